// The lock file beside the inventory: read when it exists, written atomically (a temporary file renamed
// over it), so a reader or a killed run never sees half a lock.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { LockInput } from "../compile.js";
import type { SitePaths } from "./paths.js";

export function readLock(paths: SitePaths): LockInput | undefined {
  try {
    return { text: readFileSync(paths.lock, "utf8"), file: paths.lockDisplay };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export function writeLock(paths: SitePaths, text: string): void {
  const tmp = `${paths.lock}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, paths.lock);
  } finally {
    rmSync(tmp, { force: true });
  }
}
