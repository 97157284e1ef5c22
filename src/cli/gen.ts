import { join } from "node:path";
import { compile, type Build } from "../compile.js";
import { formatDiagnostics } from "../diag/diagnostic.js";
import { drift } from "../emit/drift.js";
import { leftovers, refuseNonFolder, writeSite } from "../emit/write.js";
import { readSite } from "./load.js";
import { readLock, writeLock } from "./lock.js";
import type { SitePaths } from "./paths.js";

export interface GenOptions { site: string; inventory: string; out: string; check?: boolean; quiet?: boolean }

/** gen --site NAME --check: how out/NAME (and the lock) differ from what the inventory produces; exit 1 if they do. */
function checkOnly(o: GenOptions, paths: SitePaths, build: Build, lockChanged: boolean, fresh: number): number {
  const dir = join(o.out, o.site);
  refuseNonFolder(dir);
  const what = (kind: string) => (kind === "old" ? "previous" : "unfinished");
  const news = fresh ? ` (${fresh} new allocation${fresh > 1 ? "s" : ""})` : "";
  const d = [...(lockChanged ? [`lock:       ${paths.lockDisplay} would change${news}`] : []),
    ...leftovers(o.out, o.site).map((l) => `leftover:   ${join(o.out, l.name)} (a killed run's ${what(l.kind)} tree)`),
    ...drift(dir, build.files)];
  if (d.length) {
    process.stderr.write(`${dir} is not what ${paths.display} produces:\n${d.map((l) => `  ${l}`).join("\n")}\nrun: gen --site ${o.site}\n`);
    return 1;
  }
  if (!o.quiet) process.stdout.write(`${dir}: up to date (${build.files.length} files)\n`);
  return 0;
}

/** gen --site NAME [--check]: compile one site into out/NAME (and its allocations into the lock), or report how they differ. */
export function runGen(o: GenOptions): number {
  const { paths, text } = readSite(o.inventory, o.site);
  const lock = readLock(paths);
  const r = compile(text, paths.display, { site: o.site, source: paths.source, ...(lock ? { lock } : {}) });
  if (!r.ok) {
    process.stderr.write(formatDiagnostics(r.diagnostics, text, lock ? { [lock.file]: lock.text } : {}));
    return 1;
  }
  const lockChanged = r.build.lock !== undefined && r.build.lock !== lock?.text;
  const fresh = r.build.site.allocations.filter((a) => a.fresh && lockChanged);
  if (o.check) return checkOnly(o, paths, r.build, lockChanged, fresh.length);
  // The lock first: an allocation is recorded before anything that uses it is written.
  if (lockChanged) writeLock(paths, r.build.lock!);
  const dir = join(o.out, o.site);
  const notes: string[] = [];
  const wrote = writeSite(o.out, o.site, r.build.files, notes);
  for (const n of notes) process.stderr.write(`gen: ${n}\n`);
  if (!o.quiet) {
    for (const a of fresh) process.stdout.write(`allocated ${a.what}: ${a.value} (recorded in ${paths.lockDisplay})\n`);
    process.stdout.write(`${dir}: ${wrote ? "wrote" : "unchanged,"} ${r.build.files.length} files; review ${join(dir, "REVIEW.md")}\n`);
  }
  return 0;
}
