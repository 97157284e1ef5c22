import { createHash } from "node:crypto";
import type { Artifact } from "../plan/types.js";
import type { Site } from "../resolve/site.js";

export const MANIFEST = "manifest.json";

export const sha256 = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");

/** manifest.json: every other file with its sha256 and mode, sorted by path. Its own sha256 is the approval token. */
export function manifest(site: Site, inventoryText: string, files: Artifact[]): Artifact {
  const body = {
    generator: "sitegen",
    site: site.name,
    ...(site.decision ? { decision: site.decision } : {}),
    inventory: { path: site.source, sha256: sha256(inventoryText) },
    files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((f) => ({ path: f.path, sha256: sha256(f.content), mode: `0${(f.mode & 0o777).toString(8)}` })),
  };
  return { path: MANIFEST, content: `${JSON.stringify(body, null, 2)}\n`, mode: 0o644 };
}
