import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Artifact } from "../plan/types.js";
import { TreeComparer } from "./drift.js";
import { fault } from "./fault.js";
import { leftovers, OutputError, outputError, recover } from "./leftovers.js";

export { OutputError };

/**
 * Replace outDir/site with exactly these files: build the tree aside, then swap it in with renames,
 * so readers see the old tree or the new one, never a mix. A run killed at any instant leaves
 * .<site>.tmp-* / .<site>.old-* beside the tree; the next run restores the tree from them if it is
 * missing and removes them (notes says what it did). Nothing outside outDir/site and those is touched.
 * files may be a generator: each file is written (or compared) and dropped as it comes.
 * Returns false when the tree was already identical (nothing written).
 */
export function writeSite(outDir: string, site: string, files: Iterable<Artifact>, notes: string[] = []): boolean {
  notes.push(...readyOut(outDir, site));
  const target = join(outDir, site);
  try {
    return swapIn(outDir, site, files);
  } catch (e) {
    throw outputError(e, outDir, target);
  }
}

/**
 * Make outDir ready to take outDir/site (a killed run's leftovers dealt with, the folder there), or fail as the
 * write would: gen calls it before it records the lock file, so a run that cannot write records nothing either.
 */
export function readyOut(outDir: string, site: string): string[] {
  const target = join(outDir, site);
  try {
    const notes = recover(outDir, site);
    refuseNonFolder(target);
    mkdirs(outDir);
    // mkdirs leaves an existing file alone (the write would meet it later): meet it here, as the write would
    if (!statSync(outDir).isDirectory()) throw Object.assign(new Error(`${outDir} is not a folder`), { code: "ENOTDIR", syscall: "mkdir", path: outDir });
    return notes;
  } catch (e) {
    throw outputError(e, outDir, target);
  }
}

/** A regular file (or anything but a folder) at out/<site> is not gen's to delete. */
export function refuseNonFolder(target: string): void {
  let st;
  try {
    st = lstatSync(target);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    const what = st.isSymbolicLink() ? "a symbolic link" : "a file";
    throw new OutputError(`${target} is ${what}, not a folder gen wrote; move it away or delete it, then run gen again`);
  }
}

/**
 * While the files match the current tree nothing is written; at the first difference the working tree
 * is started with copies of the files that matched (they are the current tree's), and the rest is written.
 */
function swapIn(outDir: string, site: string, files: Iterable<Artifact>): boolean {
  const target = join(outDir, site);
  const tag = `${process.pid}-${Date.now()}`;
  const tmp = join(outDir, `.${site}.tmp-${tag}`);
  const old = join(outDir, `.${site}.old-${tag}`);
  const current = existsSync(target) ? new TreeComparer(target) : undefined;
  const matched: string[] = [];
  let tree: TreeWriter | undefined;
  const start = (): TreeWriter => {
    mkdirs(outDir);
    mkdirSync(tmp);
    const t = new TreeWriter(tmp);
    for (const p of matched) t.copy(join(target, p), p);
    return t;
  };
  try {
    for (const f of files) {
      if (!tree && current && current.differences(f).length === 0) {
        matched.push(f.path);
        continue;
      }
      (tree ??= start()).write(f);
    }
    if (!tree && current!.unexpected().length === 0) return false;
    tree ??= start();
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
  return true;
}

/** Files written under root (a folder this run just made): each folder made once, the fault point after a few files. */
class TreeWriter {
  private readonly made: Set<string>;
  private readonly umask = process.umask();
  private count = 0;
  constructor(private readonly root: string) {
    this.made = new Set([root]);
  }

  write(f: Artifact): void {
    // chmod only when the umask narrowed the mode writeFileSync asked for
    const p = this.place(f.path);
    writeFileSync(p, f.content, { mode: f.mode });
    if (f.mode & this.umask) chmodSync(p, f.mode);
    this.wrote();
  }

  /** A file of the current tree, as it is (copyFileSync keeps its mode). */
  copy(from: string, path: string): void {
    copyFileSync(from, this.place(path));
    this.wrote();
  }

  private place(path: string): string {
    const p = join(this.root, path);
    this.folder(dirname(p));
    return p;
  }

  /** The working tree is new and only this writer makes its folders: one mkdir each, parents first, none that fails. */
  private folder(d: string): void {
    if (this.made.has(d)) return;
    this.folder(dirname(d));
    mkdirSync(d);
    this.made.add(d);
  }

  private wrote(): void {
    if (++this.count === HALF_WRITTEN_AT) fault("tree-half-written");
  }
}

/** The tree-half-written fault point: after this many files (the count is not known before the last one). */
const HALF_WRITTEN_AT = 4;

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
    try {
      mkdirSync(dir);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code !== "EEXIST") throw e2;
    }
  }
}

export { leftovers };
