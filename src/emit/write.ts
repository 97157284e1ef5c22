import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Artifact } from "../plan/types.js";
import { drift } from "./drift.js";
import { fault } from "./fault.js";
import { leftovers, OutputError, outputError, recover } from "./leftovers.js";

export { OutputError };

/**
 * Replace outDir/site with exactly these files: build the tree aside, then swap it in with renames,
 * so readers see the old tree or the new one, never a mix. A run killed at any instant leaves
 * .<site>.tmp-* / .<site>.old-* beside the tree; the next run restores the tree from them if it is
 * missing and removes them (notes says what it did). Nothing outside outDir/site and those is touched.
 * Returns false when the tree was already identical (nothing written).
 */
export function writeSite(outDir: string, site: string, files: Artifact[], notes: string[] = []): boolean {
  const target = join(outDir, site);
  try {
    notes.push(...recover(outDir, site));
    refuseNonFolder(target);
    if (existsSync(target) && drift(target, files).length === 0) return false;
    swapIn(outDir, site, files);
    return true;
  } catch (e) {
    throw outputError(e, outDir, target);
  }
}

/** A regular file (or anything but a folder) at out/<site> is not gen's to delete. */
export function refuseNonFolder(target: string): void {
  let st;
  try { st = lstatSync(target); } catch { return; }
  if (!st.isDirectory()) {
    const what = st.isSymbolicLink() ? "a symbolic link" : "a file";
    throw new OutputError(`${target} is ${what}, not a folder gen wrote; move it away or delete it, then run gen again`);
  }
}

function swapIn(outDir: string, site: string, files: Artifact[]): void {
  const target = join(outDir, site);
  const tag = `${process.pid}-${Date.now()}`;
  const tmp = join(outDir, `.${site}.tmp-${tag}`);
  const old = join(outDir, `.${site}.old-${tag}`);
  mkdirs(outDir);
  mkdirSync(tmp);
  try {
    writeTree(tmp, files);
    fault("tree-written");
    if (existsSync(target)) renameSync(target, old);
    fault("between-renames");
    renameSync(tmp, target);
    fault("after-renames");
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

function writeTree(tmp: string, files: Artifact[]): void {
  // On a 2,000-host site most of the time is file-system calls: make each directory once, and
  // chmod only when the umask narrowed the mode writeFileSync asked for.
  const made = new Set<string>([tmp]);
  const umask = process.umask();
  files.forEach((f, i) => {
    const p = join(tmp, f.path);
    const d = dirname(p);
    if (!made.has(d)) { mkdirs(d); made.add(d); }
    writeFileSync(p, f.content, { mode: f.mode });
    if (f.mode & umask) chmodSync(p, f.mode);
    if (i === Math.floor(files.length / 2)) fault("tree-half-written");
  });
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir reports a read-only file system as ENOENT,
 * which would send the user looking for a missing folder. The mkdir comes first (a parent only on
 * ENOENT): in the new tree that is one system call per folder, not a stat per level besides.
 */
function mkdirs(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // as before: whatever is there, the next step's error names it
    if (code !== "ENOENT" || dirname(dir) === dir) throw e;
    mkdirs(dirname(dir));
    try { mkdirSync(dir); } catch (e2) { if ((e2 as NodeJS.ErrnoException).code !== "EEXIST") throw e2; }
  }
}

export { leftovers };
