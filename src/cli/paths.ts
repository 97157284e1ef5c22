import { ENGINE } from "../bundles/engine-paths.js";
import { basename, isAbsolute, join, relative, resolve } from "node:path";

/** The folders gen reads and writes unless --inventory and --out say otherwise. */
export const DEFAULT_INVENTORY = "inventories";
export const DEFAULT_OUT = "out";

export const SITE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A usage problem the user can fix: printed without a stack, exit 1. */
export class UserError extends Error {}

export function checkSiteName(site: string): void {
  if (!SITE_NAME.test(site)) {
    throw new UserError(`site name '${site}' is not valid: use lower-case letters, digits, '-' and '_' (it names inventories/<site>.yaml and out/<site>/)`);
  }
  if (site === ENGINE) {
    throw new UserError(`site name '${ENGINE}' is taken: out/${ENGINE}/ holds what every site's hosts run; rename inventories/${ENGINE}.yaml`);
  }
}

/** lock: the allocations beside the inventory (<site>.lock.yaml), named in diagnostics as lockDisplay. */
export interface SitePaths {
  file: string;
  display: string;
  source: string;
  lock: string;
  lockDisplay: string;
}

export const LOCK_SUFFIX = ".lock.yaml";

/** Where a site's inventory is, how diagnostics show it, and how generated headers name it. */
export function sitePaths(inventoryDir: string, site: string): SitePaths {
  checkSiteName(site);
  const shown = (file: string) => {
    const rel = relative(process.cwd(), resolve(file));
    return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
  };
  const file = join(inventoryDir, `${site}.yaml`);
  const lock = join(inventoryDir, `${site}${LOCK_SUFFIX}`);
  return { file, display: shown(file), source: `${basename(resolve(inventoryDir))}/${site}.yaml`, lock, lockDisplay: shown(lock) };
}
