// What killed runs leave beside out/<site>, how the next run recovers from it, and how output faults read.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

/** A fault of the output folder: one line naming the path and what to do; exit 2. */
export class OutputError extends Error {}

export interface Leftover {
  name: string;
  kind: "tmp" | "old";
  pid: number;
  time: number;
}

/** .<site>.tmp-<pid>-<ms> and .<site>.old-<pid>-<ms> entries of runs that are no longer running. */
export function leftovers(outDir: string, site: string): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names) {
    const m = /^\.(.+)\.(tmp|old)-(\d+)-(\d+)$/.exec(name);
    if (!m || m[1] !== site) continue;
    const pid = Number(m[3]);
    if (pid !== process.pid && running(pid)) continue; // a concurrent run's working tree
    out.push({ name, kind: m[2] as "tmp" | "old", pid, time: Number(m[4]) });
  }
  return out.sort((a, b) => a.time - b.time || a.name.localeCompare(b.name));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Undo what a killed run left: if out/<site> is missing, its previous tree (the newest .old-*) is put
 * back first; then every leftover is removed. Returns one note per action.
 */
export function recover(outDir: string, site: string): string[] {
  const left = leftovers(outDir, site);
  const notes: string[] = [];
  const target = join(outDir, site);
  const old = left.filter((l) => l.kind === "old").pop();
  if (old && !existsSync(target)) {
    renameSync(join(outDir, old.name), target);
    notes.push(`restored ${target} from ${old.name}, left by a run that was killed between its renames`);
  }
  for (const l of left) {
    if (l === old && !existsSync(join(outDir, l.name))) continue;
    rmSync(join(outDir, l.name), { recursive: true, force: true });
    notes.push(`removed ${join(outDir, l.name)}, left by a killed run (pid ${l.pid})`);
  }
  return notes;
}

const WHAT: Record<string, (p: string) => string> = {
  ENOTDIR: (p) => `${fileOnPath(p)} is a file, not a folder; choose another --out folder (or move that file away)`,
  EROFS: (p) => `${p} is on a read-only file system; remount it read-write or choose another --out folder`,
  ENOSPC: (p) => `no space left on the device holding ${p}; free some space and run gen again`,
  EDQUOT: (p) => `the disk quota for ${p} is used up; free some space and run gen again`,
  EACCES: (p) => `permission denied on ${p}; fix its permissions or choose another --out folder`,
  EPERM: (p) => `operation not permitted on ${p}; fix its permissions or choose another --out folder`,
  EEXIST: (p) => `${p} exists and is not a folder; move it away or choose another --out folder`,
  ENAMETOOLONG: (p) => `the path ${p} is too long; choose a shorter --out folder`,
};

/** The first existing path component of p that is not a folder. */
function fileOnPath(p: string): string {
  for (let q = p; ; q = dirname(q)) {
    if (dirname(q) === q) return p;
    const parent = dirname(q);
    try {
      if (!statSync(parent).isDirectory()) continue;
    } catch {
      continue;
    }
    try {
      if (!statSync(q).isDirectory()) return q;
    } catch {
      /* not there: its parent is the file or the folder */
    }
  }
}

/** Turn a file-system error while writing into an OutputError; anything else passes through unchanged. */
export function outputError(e: unknown, outDir: string, target: string): unknown {
  if (e instanceof OutputError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== "string" || !err.syscall) return e;
  // Name the folder the user chose rather than gen's working tree inside it.
  const path = !err.path || err.path.startsWith(`${outDir}/`) ? outDir : err.path;
  const what = WHAT[err.code]?.(path) ?? `${err.syscall} ${path} failed (${err.code}); check the --out folder`;
  const kept = existsSync(target) ? `${target} was left as it was` : `nothing was written to ${target}`;
  return new OutputError(`cannot write ${target}: ${what} (${err.code}); ${kept}`);
}
