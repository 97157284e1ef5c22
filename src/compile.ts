// The pure core: inventory text in, files out. No I/O here (the CLI reads and writes).
import { isWarning, type Diagnostic } from "./diag/diagnostic.js";
import { manifest } from "./bundles/manifest.js";
import { BUNDLES } from "./bundles/index.js";
import { parseSource } from "./model/source.js";
import type { SiteDoc } from "./model/types.js";
import { buildPlan } from "./plan/build.js";
import type { Artifact, Plan } from "./plan/types.js";
import { resolve, type Site } from "./resolve/site.js";
import { TARGETS } from "./targets/index.js";
import { validate } from "./validate/index.js";

export interface Build { site: Site; plan: Plan; files: Artifact[]; warnings: Diagnostic[] }
export type Result = { ok: true; build: Build } | { ok: false; diagnostics: Diagnostic[] };

export interface CompileOptions {
  /** The site name the file must declare (its file name without .yaml). */
  site: string;
  /** How headers name the inventory, e.g. inventories/jumphost.yaml (kept free of machine paths). */
  source: string;
}

/** Validate and check only: every diagnostic (errors and warnings), or none. */
export function check(text: string, file: string, site: string): Diagnostic[] {
  const { source, errors } = parseSource(text, file);
  return errors.length ? errors : validate(source, site);
}

export function compile(text: string, file: string, opts: CompileOptions): Result {
  const { source, errors } = parseSource(text, file);
  const diagnostics = errors.length ? errors : validate(source, opts.site);
  if (!diagnostics.every(isWarning)) return { ok: false, diagnostics };
  const warnings = diagnostics;
  const site = { ...resolve(source.data as SiteDoc, opts.source), warnings: warnings.map((d) => ({
    where: `${opts.source}:${d.line}:${d.col}`, code: d.code, object: d.object, message: d.message, ...(d.help ? { help: d.help } : {}),
  })) };
  const plan = buildPlan(site, TARGETS);
  const files = [...plan.artifacts, ...BUNDLES.flatMap((b) => b.render(site, plan))].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.path === files[i - 1]!.path) throw new Error(`two targets wrote ${files[i]!.path}`);
  }
  return { ok: true, build: { site, plan, files: [...files, manifest(site, text, files)], warnings } };
}
