import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listFiles } from "../../src/emit/drift.js";

/** Every file under dir with its content and mode, for exact comparisons. */
export function snapshotTree(dir: string): Record<string, { content: string; mode: string }> {
  const out: Record<string, { content: string; mode: string }> = {};
  for (const f of listFiles(dir)) {
    out[f] = { content: readFileSync(join(dir, f), "utf8"), mode: (statSync(join(dir, f)).mode & 0o777).toString(8) };
  }
  return out;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sitegen-${prefix}-`));
}

export function copyTree(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

/**
 * A golden case's host folder beside a copy of the engine, laid out as gen writes them
 * (<tmp>/<case>/hosts/<host> and <tmp>/engine): its scripts source ../../../engine/lib.sh.
 */
export function goldenHost(root: string, name: string, host: string, tmp: string): string {
  const site = join(tmp, name);
  if (!existsSync(site)) cpSync(join(root, "test/cases/golden", name, "expected"), site, { recursive: true });
  if (!existsSync(join(tmp, "engine"))) cpSync(join(root, "out/engine"), join(tmp, "engine"), { recursive: true });
  return join(site, "hosts", host);
}
