// Property-based tests (fast-check), in process: generated valid sites are accepted and compile
// deterministically; for every input, generated or mutated, check() (gen validate) and compile() (gen)
// agree, nothing throws, and every diagnostic is located inside the file.
// CI runs SITEGEN_PROPERTY_RUNS=10000 (the default) with a fixed seed; a long run:
//   SITEGEN_PROPERTY_RUNS=1000000 npx vitest run test/property.test.ts
// and SITEGEN_PROPERTY_SEED=<n> explores other inputs. A failure prints the seed, path and the shrunk input.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { check, compile } from "../src/compile.js";
import { formatDiagnostics, isWarning, type Diagnostic } from "../src/diag/diagnostic.js";
import { ROOT } from "./helpers/gen.js";
import { RULE_CODES, WARNING_CODES } from "./helpers/rule-codes.js";
import { applyText, dataMutation, mutateData, textMutation } from "./property/mutate.js";
import { SITE, validSite } from "./property/valid-site.js";

const RUNS = Number(process.env.SITEGEN_PROPERTY_RUNS ?? 10_000);
const SEED = Number(process.env.SITEGEN_PROPERTY_SEED ?? 14);
const share = (f: number) => ({ numRuns: Math.max(1, Math.round(RUNS * f)), seed: SEED, endOnFailure: false });
const TIMEOUT = Math.max(60_000, RUNS * 30);

/** Inventories the mutations start from: the committed sites, the golden cases and the invalid corpus. */
const SEEDS = [
  ...readdirSync(join(ROOT, "inventories")).filter((f) => !f.endsWith(".lock.yaml")).map((f) => join(ROOT, "inventories", f)),
  ...readdirSync(join(ROOT, "test/cases/golden")).map((d) => join(ROOT, "test/cases/golden", d, `${d}.yaml`)),
  ...readdirSync(join(ROOT, "test/cases/invalid")).filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
    .map((f) => join(ROOT, "test/cases/invalid", f)),
].map((p) => ({ site: basename(p, ".yaml"), text: readFileSync(p, "utf8") }));
const PARSEABLE = SEEDS.filter((s) => check(s.text, "s.yaml", s.site).every((d) => !/^(yaml-|duplicate-key)/.test(d.code)));
const VALID = SEEDS.filter((s) => check(s.text, "s.yaml", s.site).length === 0);
/** Mostly valid starting points (committed sites, golden cases, generated sites), so that many mutants still compile. */
const START = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALID) },
  { weight: 3, arbitrary: validSite.map((text) => ({ site: SITE, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...PARSEABLE) },
);

class Broken extends Error {}
const fail = (why: string, detail: unknown): never => { throw new Broken(`${why}: ${JSON.stringify(detail).slice(0, 2000)}`); };

function located(d: Diagnostic, lines: number): void {
  const known = isWarning(d) ? WARNING_CODES : RULE_CODES;
  if (d.file !== "p.yaml" || !known.includes(d.code) || !d.message) fail("diagnostic without file, known code or message", d);
  if (!(d.line >= 1 && d.line <= lines && d.col >= 1 && d.length >= 1)) fail(`diagnostic outside the file's ${lines} lines`, d);
}

/** The properties every input must have; returns whether it compiled. */
function examine(text: string, site: string, twice = false): boolean {
  const ds = check(text, "p.yaml", site);
  const r = compile(text, "p.yaml", { site, source: `inventories/${site}.yaml` });
  const lines = text.split(/\r?\n/).length;
  for (const d of ds) located(d, lines);
  formatDiagnostics(ds, text);
  if (!r.ok) {
    if (ds.every(isWarning)) fail("gen fails where gen validate passes", r.diagnostics);
    if (JSON.stringify(r.diagnostics) !== JSON.stringify(ds)) fail("gen and gen validate report differently", { gen: r.diagnostics, validate: ds });
    return false;
  }
  if (!ds.every(isWarning)) fail("gen validate fails where gen succeeds", ds);
  if (JSON.stringify(r.build.warnings) !== JSON.stringify(ds)) fail("gen and gen validate warn differently", { gen: r.build.warnings, validate: ds });
  if (twice) {
    const again = compile(text, "p.yaml", { site, source: `inventories/${site}.yaml` });
    if (!again.ok || JSON.stringify(again.build.files) !== JSON.stringify(r.build.files)) fail("two compiles of one input differ", text);
  }
  return true;
}

describe("properties", () => {
  it("generated valid sites are accepted and compile deterministically", () => {
    fc.assert(fc.property(validSite, (text) => {
      if (!examine(text, SITE, true)) fail("a valid site was refused", check(text, "p.yaml", SITE).map((d) => `${d.code} ${d.object}: ${d.message}`));
    }), share(0.1));
  }, TIMEOUT);
  it("mutated inventories (structure, types, values): validate and gen agree, nothing throws", () => {
    let compiled = 0;
    fc.assert(fc.property(START, fc.array(dataMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (seed, ms, flow) => {
      if (examine(mutateData(seed.text, ms, flow), seed.site)) compiled++;
    }), share(0.5));
    if (compiled < RUNS * 0.5 * 0.05) fail("too few data mutants compile to exercise the generator", compiled);
  }, TIMEOUT);
  it("text-level edits and aliases: validate and gen agree, nothing throws", () => {
    fc.assert(fc.property(fc.oneof(START, fc.constantFrom(...SEEDS)), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (seed, ms) => {
      examine(ms.reduce(applyText, seed.text), seed.site);
    }), share(0.4));
  }, TIMEOUT);
});
