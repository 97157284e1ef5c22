// out/engine/ for gen and gen --check: written (or compared) once per run, after the sites, and only when
// a site got through (an invalid inventory leaves the output folder as it was), never from two threads.
import { join } from "node:path";
import { engineFiles, ENGINE, ENGINE_FROM_SITE } from "../bundles/engine.js";
import { drift } from "../emit/drift.js";
import { leftovers, refuseNonFolder, writeSite } from "../emit/write.js";
import type { Mode, SiteOutcome } from "./site-run.js";

/** Folds the engine's write or comparison into the first site that got through: its recovery notes, or its drift. */
export function withEngine(mode: Mode, out: string, outcomes: SiteOutcome[]): SiteOutcome[] {
  const first = outcomes.find((o) => o.status !== "invalid");
  if (!first || mode === "validate") return outcomes;
  const dir = join(out, ENGINE);
  if (mode === "check") {
    refuseNonFolder(dir);
    const left = leftovers(out, ENGINE).map((l) => `leftover:   ${join(out, l.name)} (a killed run's ${l.kind === "old" ? "previous" : "unfinished"} tree)`);
    // paths as the site's folder reaches them (../engine/lib.sh): the reporters name a drifted file from the site
    const d = [...left, ...drift(dir, engineFiles()).map((l) => l.replace(/^(\w+:\s+)/, `$1${ENGINE_FROM_SITE}/`))];
    if (d.length) Object.assign(first, { status: "drift", drift: [...(first.drift ?? []), ...d] });
    return outcomes;
  }
  // quietly, as a site's unchanged files are: only a killed run's leftovers, recovered, are worth a note
  const notes: string[] = [];
  writeSite(out, ENGINE, engineFiles(), notes);
  if (notes.length) first.notes = [...(first.notes ?? []), ...notes];
  return outcomes;
}
