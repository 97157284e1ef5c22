import type { Artifact } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { ENGINE_FROM_SITE, TOKEN_SCRIPT } from "./engine-paths.js";

export const MANIFEST = "manifest.json";

/** The order of a build's files (compile(), drift reports): by path, manifest.json last. */
export const outputOrder = (a: string, b: string): number => ((a === MANIFEST) !== (b === MANIFEST) ? (a === MANIFEST ? 1 : -1) : a < b ? -1 : a > b ? 1 : 0);

/** One file's line in manifest.json: which files the output is, and their modes. */
export interface ManifestEntry {
  path: string;
  mode: string;
}

export const manifestEntry = (f: Artifact): ManifestEntry => ({ path: f.path, mode: `0${(f.mode & 0o777).toString(8)}` });

/**
 * manifest.json: the site's output as a list of files (every other file of out/<site>/ and the engine's) with their
 * modes, one a line, sorted by path. It holds no digests: the approval token is computed over the files themselves
 * (engine token.sh, and the plays the same way), so a change to one file's content changes that file and no line here.
 * Written by hand rather than by JSON.stringify's layout: one line a file is what token.sh reads and what a diff shows.
 */
export function manifestOf(site: Site, entries: ManifestEntry[]): Artifact {
  const q = JSON.stringify;
  const head = [
    ["generator", "sitegen"],
    ["site", site.name],
    ...(site.decision ? [["decision", site.decision]] : []),
    ["inventory", site.source],
    ["token", `bash ${ENGINE_FROM_SITE}/${TOKEN_SCRIPT} (from this folder): the sha256 of sha256sum's lines for this file and each file below, in this order`],
  ];
  const files = [...entries].sort((a, b) => (a.path < b.path ? -1 : 1)).map((e) => `    {"path": ${q(e.path)}, "mode": ${q(e.mode)}}`);
  const body = [...head.map(([k, v]) => `  ${q(k)}: ${q(v)},`), `  "files": [`, files.join(",\n"), "  ]"];
  return { path: MANIFEST, content: `{\n${body.join("\n")}\n}\n`, mode: 0o644 };
}
