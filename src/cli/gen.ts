import { join } from "node:path";
import { compile } from "../compile.js";
import { formatDiagnostics } from "../diag/diagnostic.js";
import { drift } from "../emit/drift.js";
import { leftovers, refuseNonFolder, writeSite } from "../emit/write.js";
import { readSite } from "./load.js";

export interface GenOptions { site: string; inventory: string; out: string; check?: boolean; quiet?: boolean }

/** gen --site NAME [--check]: compile one site into out/NAME, or report how out/NAME differs. */
export function runGen(o: GenOptions): number {
  const { paths, text } = readSite(o.inventory, o.site);
  const r = compile(text, paths.display, { site: o.site, source: paths.source });
  if (!r.ok) {
    process.stderr.write(formatDiagnostics(r.diagnostics, text));
    return 1;
  }
  const dir = join(o.out, o.site);
  if (o.check) {
    refuseNonFolder(dir);
    const what = (kind: string) => (kind === "old" ? "previous" : "unfinished");
    const d = [...leftovers(o.out, o.site).map((l) => `leftover:   ${join(o.out, l.name)} (a killed run's ${what(l.kind)} tree)`),
      ...drift(dir, r.build.files)];
    if (d.length) {
      process.stderr.write(`${dir} is not what ${paths.display} produces:\n${d.map((l) => `  ${l}`).join("\n")}\nrun: gen --site ${o.site}\n`);
      return 1;
    }
    if (!o.quiet) process.stdout.write(`${dir}: up to date (${r.build.files.length} files)\n`);
    return 0;
  }
  const notes: string[] = [];
  const wrote = writeSite(o.out, o.site, r.build.files, notes);
  for (const n of notes) process.stderr.write(`gen: ${n}\n`);
  if (!o.quiet) process.stdout.write(`${dir}: ${wrote ? "wrote" : "unchanged,"} ${r.build.files.length} files; review ${join(dir, "REVIEW.md")}\n`);
  return 0;
}
