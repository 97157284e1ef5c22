import { basename, isAbsolute, join, relative, resolve } from "node:path";

export const SITE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A usage problem the user can fix: printed without a stack, exit 1. */
export class UserError extends Error {}

export function checkSiteName(site: string): void {
  if (!SITE_NAME.test(site)) {
    throw new UserError(`site name '${site}' is not valid: use lower-case letters, digits, '-' and '_' (it names inventories/<site>.yaml and out/<site>/)`);
  }
}

export interface SitePaths { file: string; display: string; source: string }

/** Where a site's inventory is, how diagnostics show it, and how generated headers name it. */
export function sitePaths(inventoryDir: string, site: string): SitePaths {
  checkSiteName(site);
  const file = join(inventoryDir, `${site}.yaml`);
  const rel = relative(process.cwd(), resolve(file));
  return { file, display: rel.startsWith("..") || isAbsolute(rel) ? file : rel, source: `${basename(resolve(inventoryDir))}/${site}.yaml` };
}
