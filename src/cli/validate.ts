import { check } from "../compile.js";
import { formatDiagnostics } from "../diag/diagnostic.js";
import { knownSites, readSite } from "./load.js";
import { readLock } from "./lock.js";
import { UserError } from "./paths.js";

/** gen validate [--site NAME]: check one site, or every site in the inventory folder. Writes nothing. */
export function runValidate(o: { site?: string; inventory: string }): number {
  const sites = o.site ? [o.site] : knownSites(o.inventory);
  if (!sites.length) throw new UserError(`no sites: ${o.inventory} has no *.yaml files`);
  let failed = 0;
  for (const site of sites) {
    const { paths, text } = readSite(o.inventory, site);
    const lock = readLock(paths);
    const ds = check(text, paths.display, { site, source: paths.source, ...(lock ? { lock } : {}) });
    const others = lock ? { [lock.file]: lock.text } : {};
    if (ds.length) { failed++; process.stderr.write(formatDiagnostics(ds, text, others).replace(/; nothing was written\n$/, "\n")); }
    else process.stdout.write(`${paths.display}: ok\n`);
  }
  return failed ? 1 : 0;
}
