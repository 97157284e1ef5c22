import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Artifact } from "../plan/types.js";
import { drift } from "./drift.js";

/**
 * Replace outDir/site with exactly these files: build the tree aside, then swap it in with renames,
 * so readers see the old tree or the new one, never a mix. Nothing outside outDir/site is touched.
 * Returns false when the tree was already identical (nothing written).
 */
export function writeSite(outDir: string, site: string, files: Artifact[]): boolean {
  const target = join(outDir, site);
  if (existsSync(target) && drift(target, files).length === 0) return false;
  const tag = `${process.pid}-${Date.now()}`;
  const tmp = join(outDir, `.${site}.tmp-${tag}`);
  const old = join(outDir, `.${site}.old-${tag}`);
  mkdirSync(tmp, { recursive: true });
  // On a 2,000-host site most of the time is file-system calls: make each directory once, and
  // chmod only when the umask narrowed the mode writeFileSync asked for.
  const made = new Set<string>([tmp]);
  const umask = process.umask();
  try {
    for (const f of files) {
      const p = join(tmp, f.path);
      const d = dirname(p);
      if (!made.has(d)) { mkdirSync(d, { recursive: true }); made.add(d); }
      writeFileSync(p, f.content, { mode: f.mode });
      if (f.mode & umask) chmodSync(p, f.mode);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  return true;
}
