import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Artifact } from "../plan/types.js";

/** Every regular file under dir, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try { names = readdirSync(join(dir, rel)); } catch { return; }
    for (const n of names.sort()) {
      const r = rel ? `${rel}/${n}` : n;
      if (statSync(join(dir, r)).isDirectory()) walk(r); else out.push(r);
    }
  };
  walk("");
  return out;
}

/** How dir differs from the files a build produces: one line per difference, empty when identical. */
export function drift(dir: string, files: Artifact[]): string[] {
  const out: string[] = [];
  const expected = new Map(files.map((f) => [f.path, f]));
  const present = new Set(listFiles(dir));
  for (const f of files) {
    if (!present.has(f.path)) { out.push(`missing:    ${f.path}`); continue; }
    const p = join(dir, f.path);
    if (readFileSync(p, "utf8") !== f.content) out.push(`changed:    ${f.path}`);
    const mode = statSync(p).mode & 0o777;
    if (mode !== f.mode) out.push(`mode:       ${f.path} is 0${mode.toString(8)}, expected 0${f.mode.toString(8)}`);
  }
  for (const p of present) if (!expected.has(p)) out.push(`unexpected: ${p}`);
  return out;
}
