// One site's work for gen, gen --check and gen validate, as data: the reporters (report.ts) print it
// as text, JSON or CI annotations, and --all (all.ts) runs many of these on both cores.
import { join } from "node:path";
import { check, outputFiles, prepare } from "../compile.js";
import { isWarning, type Diagnostic } from "../diag/diagnostic.js";
import { drift } from "../emit/drift.js";
import { leftovers, readyOut, refuseNonFolder, writeSite } from "../emit/write.js";
import type { Artifact } from "../plan/types.js";
import { boundHeapGrowth } from "./heap.js";
import { readSite } from "./load.js";
import { readLock, writeLock } from "./lock.js";
import type { SitePaths } from "./paths.js";

export type Mode = "gen" | "check" | "validate";
/** invalid: errors (or, with --strict, warnings) stopped it; drift: --check found differences. */
export type Status = "wrote" | "unchanged" | "current" | "valid" | "invalid" | "drift";

export interface SiteOptions {
  inventory: string;
  out: string;
  strict?: boolean;
}

export interface SiteOutcome {
  site: string;
  mode: Mode;
  status: Status;
  /** The inventory as shown in messages (relative to the working directory when inside it). */
  inventory: string;
  /** Its text, kept only when there are diagnostics to point into. */
  text: string;
  /** Other files diagnostics may point into (the lock file), by the name they use. */
  others?: Record<string, string>;
  /** What `auto` received in this run, as lines to show (recorded in the lock file). */
  allocated?: string[];
  diagnostics: Diagnostic[];
  out?: string;
  files?: number;
  drift?: string[];
  /** What the writer did besides writing (a killed run's leftovers removed or restored). */
  notes?: string[];
}

export const failed = (o: SiteOutcome): boolean => o.status === "invalid" || o.status === "drift";
/** Only warnings, and they blocked: the user asked for --strict. */
export const strictOnly = (o: SiteOutcome): boolean => o.status === "invalid" && o.diagnostics.every(isWarning);

const blocks = (ds: Diagnostic[], strict?: boolean) => ds.some((d) => !isWarning(d) || strict);

/** A compiled site's output on its way out: where it goes, the lock's change, and the files as they stream by. */
interface Output {
  dir: string;
  lockChanged: boolean;
  fresh: readonly { what: string; value: string }[];
  files: Iterable<Artifact>;
  count: () => number;
}

/** The files stream host by host into the comparison or the working tree; only their count is kept. */
function counting(files: Iterable<Artifact>): Pick<Output, "files" | "count"> {
  let n = 0;
  const counted = (function* () {
    for (const f of files) {
      n++;
      yield f;
    }
  })();
  return { files: counted, count: () => n };
}

/** gen --check: how the output would differ (the lock, a killed run's leftovers, the files); nothing is written. */
function differences(o: SiteOptions, site: string, paths: SitePaths, out: Output): string[] {
  refuseNonFolder(out.dir);
  const news = out.fresh.length ? ` (${out.fresh.length} new allocation${out.fresh.length > 1 ? "s" : ""})` : "";
  const left = leftovers(o.out, site).map((l) => `leftover:   ${join(o.out, l.name)} (a killed run's ${l.kind === "old" ? "previous" : "unfinished"} tree)`);
  return [...(out.lockChanged ? [`lock:       ${paths.lockDisplay} would change${news}`] : []), ...left, ...drift(out.dir, out.files)];
}

/** gen: the lock first, so an allocation is recorded before anything that uses it is written (and only once the output can be). */
function writeOutput(o: SiteOptions, site: string, paths: SitePaths, out: Output, lockText: string | undefined) {
  const notes = readyOut(o.out, site);
  if (out.lockChanged) writeLock(paths, lockText!);
  const wrote = writeSite(o.out, site, out.files, notes);
  const allocated = out.fresh.map((a) => `allocated ${a.what}: ${a.value} (recorded in ${paths.lockDisplay})`);
  return { wrote, more: { ...(notes.length ? { notes } : {}), ...(allocated.length ? { allocated } : {}) } };
}

export function runSite(mode: Mode, o: SiteOptions, site: string): SiteOutcome {
  const { paths, text } = readSite(o.inventory, site);
  const lock = readLock(paths);
  const others = lock ? { others: { [lock.file]: lock.text } } : {};
  const base = { site, mode, inventory: paths.display };
  const done = (status: Status, diagnostics: Diagnostic[], more: Partial<SiteOutcome> = {}): SiteOutcome => ({
    ...base,
    status,
    diagnostics,
    text: diagnostics.length ? text : "",
    ...(diagnostics.length ? others : {}),
    ...more,
  });
  const opts = { site, source: paths.source, ...(lock ? { lock } : {}) };
  if (mode === "validate") {
    const ds = check(text, paths.display, opts);
    return done(blocks(ds, o.strict) ? "invalid" : "valid", ds);
  }
  boundHeapGrowth(text.length);
  const r = prepare(text, paths.display, opts);
  if (!r.ok) return done("invalid", r.diagnostics);
  const ws = r.build.warnings;
  if (blocks(ws, o.strict)) return done("invalid", ws);
  const lockChanged = r.build.lock !== undefined && r.build.lock !== lock?.text;
  const fresh = lockChanged ? r.build.site.allocations.filter((a) => a.fresh) : [];
  const out: Output = { dir: join(o.out, site), lockChanged, fresh, ...counting(outputFiles(r.build)) };
  if (mode === "check") {
    const d = differences(o, site, paths, out);
    return done(d.length ? "drift" : "current", ws, { out: out.dir, files: out.count(), drift: d });
  }
  const w = writeOutput(o, site, paths, out, r.build.lock);
  return done(w.wrote ? "wrote" : "unchanged", ws, { out: out.dir, files: out.count(), ...w.more });
}
