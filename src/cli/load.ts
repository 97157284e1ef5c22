import { readdirSync, readFileSync } from "node:fs";
import { LOCK_SUFFIX, sitePaths, UserError, type SitePaths } from "./paths.js";

export function knownSites(inventoryDir: string): string[] {
  try {
    return readdirSync(inventoryDir).filter((f) => f.endsWith(".yaml") && !f.endsWith(LOCK_SUFFIX)).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** Read a site's inventory, or explain which sites exist. */
export function readSite(inventoryDir: string, site: string): { paths: SitePaths; text: string } {
  const paths = sitePaths(inventoryDir, site);
  try {
    return { paths, text: readFileSync(paths.file, "utf8") };
  } catch {
    const known = knownSites(inventoryDir);
    throw new UserError(`${paths.display}: no such site '${site}'${known.length ? `; known sites: ${known.join(", ")}` : ` (no *.yaml in ${inventoryDir})`}`);
  }
}
