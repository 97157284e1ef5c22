// The pure core: inventory text (and its lock) in, files and the lock to keep out. No I/O here (the CLI reads and writes).
import { allocate, type Allocation } from "./alloc/allocate.js";
import { parseLock } from "./alloc/lock.js";
import { isWarning, type Diagnostic } from "./diag/diagnostic.js";
import { manifestEntry, manifestOf, outputOrder, type ManifestEntry } from "./bundles/manifest.js";
import { BUNDLES } from "./bundles/index.js";
import { engineEntries } from "./bundles/engine.js";
import { parseSource, type Source } from "./model/source.js";
import type { SiteDoc } from "./model/types.js";
import { parseCidr } from "./net/cidr.js";
import { buildPlan } from "./plan/build.js";
import type { Artifact, Plan } from "./plan/types.js";
import { resolve, type Site } from "./resolve/site.js";
import { TARGETS } from "./targets/index.js";
import { validate } from "./validate/index.js";

/** lock: the lock file's text to keep beside the inventory (undefined: the site allocates nothing and has no lock). */
export interface Build {
  site: Site;
  plan: Plan;
  files: Artifact[];
  warnings: Diagnostic[];
  lock?: string;
}
export type Result = { ok: true; build: Build } | { ok: false; diagnostics: Diagnostic[] };

/** The lock file as read: its text and how diagnostics name it. */
export interface LockInput {
  text: string;
  file: string;
}

export interface CompileOptions {
  /** The site name the file must declare (its file name without .yaml). */
  site: string;
  /** How headers name the inventory, e.g. inventories/jumphost.yaml (kept free of machine paths). */
  source: string;
  /** inventories/<site>.lock.yaml, when it exists. */
  lock?: LockInput;
}

type Allocated = { ok: true; doc: SiteDoc; lock?: string; allocations: Allocation[]; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Validate, then give every `auto` its value (locked or new). */
function checked(source: Source, opts: CompileOptions): Allocated {
  const diagnostics = validate(source, opts.site);
  // warnings block nothing here (the CLI decides, with --strict): they travel with the build
  if (!diagnostics.every(isWarning)) return { ok: false, diagnostics };
  const warnings = diagnostics;
  const parsed = opts.lock ? parseLock(opts.lock.text, opts.lock.file, opts.site) : undefined;
  if (parsed?.errors.length) return { ok: false, diagnostics: parsed.errors };
  const nets = (source.data as SiteDoc).networks.map((n) => {
    const r = parseCidr(n.cidr);
    return "ok" in r ? r.ok : undefined;
  });
  const r = allocate(source, nets, parsed?.lock, opts.site);
  return r.ok ? { ok: true, doc: r.doc, allocations: r.allocations, warnings, ...(r.lockText !== undefined ? { lock: r.lockText } : {}) } : r;
}

/** Validate and check only (the lock too, when opts carries one): every diagnostic (errors and warnings), or none. A string is the site name. */
export function check(text: string, file: string, opts: string | CompileOptions): Diagnostic[] {
  const { source, errors } = parseSource(text, file);
  if (errors.length) return errors;
  const r = checked(source, typeof opts === "string" ? { site: opts, source: file } : opts);
  return r.ok ? r.warnings : r.diagnostics;
}

/** Parse and check in a frame of their own: the YAML document (tens of MB on a 2,000-host site) is garbage once this returns. */
function parsedAndChecked(text: string, file: string, opts: CompileOptions): Allocated {
  const { source, errors } = parseSource(text, file);
  return errors.length ? { ok: false, diagnostics: errors } : checked(source, opts);
}

/** A checked and planned site: everything but the output's text (diagnostics, lock and warnings are known). */
export type Prepared = Omit<Build, "files">;
export type PrepareResult = { ok: true; build: Prepared } | { ok: false; diagnostics: Diagnostic[] };

/** Parse, check, allocate, resolve and plan: everything before the output is rendered. */
export function prepare(text: string, file: string, opts: CompileOptions): PrepareResult {
  const a = parsedAndChecked(text, file, opts);
  if (!a.ok) return a;
  const site = {
    ...resolve(a.doc, opts.source, a.allocations),
    warnings: a.warnings.map((d) => ({
      where: `${opts.source}:${d.line}:${d.col}`,
      code: d.code,
      object: d.object,
      message: d.message,
      ...(d.help ? { help: d.help } : {}),
    })),
  };
  const lock = a.lock !== undefined ? { lock: a.lock } : {};
  return { ok: true, build: { site, plan: buildPlan(site, TARGETS), warnings: a.warnings, ...lock } };
}

/**
 * The output, file by file, host by host (a big site's text is never held whole), manifest.json last.
 * Order otherwise is the bundles' own: outputOrder sorts it the way compile() returns it.
 */
export function* outputFiles(build: Prepared): Generator<Artifact> {
  const seen = new Set<string>();
  const entries: ManifestEntry[] = [];
  const one = (f: Artifact): Artifact => {
    if (seen.has(f.path)) throw new Error(`two targets wrote ${f.path}`);
    seen.add(f.path);
    entries.push(manifestEntry(f));
    return f;
  };
  for (const f of build.plan.artifacts) yield one(f);
  for (const b of BUNDLES) for (const f of b.render(build.site, build.plan)) yield one(f);
  yield manifestOf(build.site, [...entries, ...engineEntries()]);
}

/** The whole output at once (tests, gen plan): prepare, then every file, in outputOrder. */
export function compile(text: string, file: string, opts: CompileOptions): Result {
  const p = prepare(text, file, opts);
  if (!p.ok) return p;
  const files = [...outputFiles(p.build)].sort((x, y) => outputOrder(x.path, y.path));
  return { ok: true, build: { ...p.build, files } };
}
