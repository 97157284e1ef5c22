import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCK_SUFFIX, sitePaths, UserError, type SitePaths } from "./paths.js";

export function knownSites(inventoryDir: string): string[] {
  try {
    return readdirSync(inventoryDir)
      .filter((f) => f.endsWith(".yaml") && !f.endsWith(LOCK_SUFFIX))
      .map((f) => f.slice(0, -5))
      .sort();
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
    const which = known.length ? `; known sites: ${known.join(", ")}` : ` (no *.yaml in ${inventoryDir})`;
    const yml = existsSync(join(inventoryDir, `${site}.yml`)) ? `; ${site}.yml is there, but inventories end in .yaml: rename it` : "";
    throw new UserError(`${paths.display}: no such site '${site}'${which}${yml}`);
  }
}

/** A hint for a folder whose inventories were named *.yml (gen reads *.yaml only), or "". */
export function ymlHint(inventoryDir: string): string {
  let yml: string[] = [];
  try {
    yml = readdirSync(inventoryDir)
      .filter((f) => f.endsWith(".yml"))
      .sort();
  } catch {
    /* no folder: nothing to hint */
  }
  return yml.length ? ` (${yml.join(", ")} ${yml.length > 1 ? "are" : "is"} there, but inventories end in .yaml: rename)` : "";
}
