import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { outputOrder } from "../bundles/manifest.js";
import type { Artifact } from "../plan/types.js";

/** Every regular file under dir, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel));
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const r = rel ? `${rel}/${n}` : n;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out;
}

/** Compares the files of a build with dir one at a time, so the build need not be held whole. */
export class TreeComparer {
  private readonly present: Set<string>;
  private readonly seen = new Set<string>();
  constructor(private readonly dir: string) {
    this.present = new Set(listFiles(dir));
  }

  /** How f differs from its copy in dir: missing, changed, mode lines; empty when identical. */
  differences(f: Artifact): string[] {
    this.seen.add(f.path);
    if (!this.present.has(f.path)) return [`missing:    ${f.path}`];
    const p = join(this.dir, f.path);
    const out: string[] = [];
    if (readFileSync(p, "utf8") !== f.content) out.push(`changed:    ${f.path}`);
    const mode = statSync(p).mode & 0o777;
    if (mode !== f.mode) out.push(`mode:       ${f.path} is 0${mode.toString(8)}, expected 0${f.mode.toString(8)}`);
    return out;
  }

  /** Files in dir that no compared file named (call after the last one). */
  unexpected(): string[] {
    return [...this.present].filter((p) => !this.seen.has(p)).map((p) => `unexpected: ${p}`);
  }
}

/** How dir differs from the files a build produces, in the build's file order: one line per difference, empty when identical. */
export function drift(dir: string, files: Iterable<Artifact>): string[] {
  const c = new TreeComparer(dir);
  const found: [string, string[]][] = [];
  for (const f of files) {
    const d = c.differences(f);
    if (d.length) found.push([f.path, d]);
  }
  return [...found.sort((a, b) => outputOrder(a[0], b[0])).flatMap(([, d]) => d), ...c.unexpected()];
}
