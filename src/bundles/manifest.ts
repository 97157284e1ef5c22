import type { Artifact } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { sha256 } from "../render/digest.js";

export const MANIFEST = "manifest.json";

/** The order of a build's files (compile(), drift reports): by path, manifest.json last. */
export const outputOrder = (a: string, b: string): number => ((a === MANIFEST) !== (b === MANIFEST) ? (a === MANIFEST ? 1 : -1) : a < b ? -1 : a > b ? 1 : 0);

/** One file's line in manifest.json. */
export interface ManifestEntry {
  path: string;
  sha256: string;
  mode: string;
}

export const manifestEntry = (f: Artifact): ManifestEntry => ({ path: f.path, sha256: sha256(f.content), mode: `0${(f.mode & 0o777).toString(8)}` });

/** manifest.json: every other file with its sha256 and mode, sorted by path. Its own sha256 is the approval token. */
export function manifestOf(site: Site, inventoryText: string, entries: ManifestEntry[]): Artifact {
  const body = {
    generator: "sitegen",
    site: site.name,
    ...(site.decision ? { decision: site.decision } : {}),
    inventory: { path: site.source, sha256: sha256(inventoryText) },
    files: [...entries].sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
  return { path: MANIFEST, content: `${JSON.stringify(body, null, 2)}\n`, mode: 0o644 };
}
