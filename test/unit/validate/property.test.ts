// Property-based tests (fast-check), in process: generated valid sites are accepted and compile
// deterministically; for every input, generated or mutated, check() (gen validate) and compile() (gen)
// agree, nothing throws, and every diagnostic is located inside the file.
// CI runs SITEGEN_PROPERTY_RUNS=10000 (the default) with a fixed seed, `npm run test:fast` 500 with the
// same seed; a long run: SITEGEN_PROPERTY_RUNS=1000000 npx vitest run test/unit/validate/property.test.ts,
// and SITEGEN_PROPERTY_SEED=<n> explores other inputs. A failure prints the seed, path and the shrunk input.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { check, compile, type CompileOptions } from "../../../src/compile.js";
import { formatDiagnostics, isWarning, type Diagnostic } from "../../../src/diag/diagnostic.js";
import { ROOT } from "../../helpers/gen.js";
import { RULE_CODES, WARNING_CODES } from "../../helpers/rule-codes.js";
import { applyText, dataMutation, mutateData, textMutation } from "./property/mutate.js";
import { HOLES, holePick, planted } from "./property/holes.js";
import { SITE, validSite } from "./property/valid-site.js";

const RUNS = Number(process.env.SITEGEN_PROPERTY_RUNS ?? 10_000);
const SEED = Number(process.env.SITEGEN_PROPERTY_SEED ?? 14);
const share = (f: number) => ({ numRuns: Math.max(1, Math.round(RUNS * f)), seed: SEED, endOnFailure: false });
const TIMEOUT = Math.max(60_000, RUNS * 30);

/** Inventories the mutations start from: the committed sites, the golden cases and the invalid corpus. */
/** A seed's lock file (inventories/<site>.lock.yaml), passed as gen passes it. */
function lockOf(p: string): CompileOptions["lock"] {
  const f = p.replace(/\.yaml$/, ".lock.yaml");
  return existsSync(f) ? { text: readFileSync(f, "utf8"), file: f } : undefined;
}
type Seed = { site: string; text: string; lock?: CompileOptions["lock"] };
const opts = (s: Seed): CompileOptions => ({ site: s.site, source: `inventories/${s.site}.yaml`, ...(s.lock ? { lock: s.lock } : {}) });

const SEEDS: Seed[] = [
  ...readdirSync(join(ROOT, "inventories"))
    .filter((f) => !f.endsWith(".lock.yaml"))
    .map((f) => join(ROOT, "inventories", f)),
  ...readdirSync(join(ROOT, "test/cases/golden")).map((d) => join(ROOT, "test/cases/golden", d, `${d}.yaml`)),
  ...readdirSync(join(ROOT, "test/cases/invalid"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(ROOT, "test/cases/invalid", f)),
].map((p) => ({ site: basename(p, ".yaml"), text: readFileSync(p, "utf8"), lock: lockOf(p) }));
const PARSEABLE = SEEDS.filter((s) => check(s.text, "s.yaml", opts(s)).every((d) => !/^(yaml-|duplicate-key)/.test(d.code)));
const VALID = SEEDS.filter((s) => check(s.text, "s.yaml", opts(s)).every(isWarning));
/** Mostly valid starting points (committed sites, golden cases, generated sites), so that many mutants still compile. */
const START = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALID) },
  { weight: 3, arbitrary: validSite.map((text): Seed => ({ site: SITE, text })) },
  { weight: 1, arbitrary: fc.constantFrom(...PARSEABLE) },
);

class Broken extends Error {}
const fail = (why: string, detail: unknown): never => {
  throw new Broken(`${why}: ${JSON.stringify(detail).slice(0, 2000)}`);
};

/** Codes of automatic allocation and its lock file (src/alloc), which the invalid corpus cannot express without a lock. */
const ALLOC_CODES = ["alloc-no-range", "alloc-range-full", "alloc-vrid-full", "lock-collision", "lock-invalid", "lock-outside-range", "lock-stale"];

/** A diagnostic names the inventory (or its lock), a known code, a message and a position inside that file. */
function located(d: Diagnostic, seed: Seed): void {
  const text = d.file === "p.yaml" ? seed.text : d.file === seed.lock?.file ? seed.lock.text : undefined;
  const known = isWarning(d) ? WARNING_CODES : [...RULE_CODES, ...ALLOC_CODES];
  if (text === undefined || !known.includes(d.code) || !d.message) {
    fail("diagnostic without file, known code or message", d);
  }
  const lines = text!.split(/\r?\n/).length;
  if (!(d.line >= 1 && d.line <= lines && d.col >= 1 && d.length >= 1)) fail(`diagnostic outside the file's ${lines} lines`, d);
}

/** The properties every input must have; returns whether it compiled. */
function examine(seed: Seed, twice = false): boolean {
  const text = seed.text;
  const ds = check(text, "p.yaml", opts(seed));
  const r = compile(text, "p.yaml", opts(seed));
  for (const d of ds) located(d, seed);
  formatDiagnostics(ds, text);
  if (!r.ok) {
    if (ds.every(isWarning)) fail("gen fails where gen validate passes", r.diagnostics);
    if (JSON.stringify(r.diagnostics) !== JSON.stringify(ds)) fail("gen and gen validate report differently", { gen: r.diagnostics, validate: ds });
    return false;
  }
  if (!ds.every(isWarning)) fail("gen validate fails where gen succeeds", ds);
  if (JSON.stringify(r.build.warnings) !== JSON.stringify(ds)) fail("gen and gen validate warn differently", { gen: r.build.warnings, validate: ds });
  if (twice) {
    const again = compile(text, "p.yaml", opts(seed));
    if (!again.ok || JSON.stringify(again.build.files) !== JSON.stringify(r.build.files)) fail("two compiles of one input differ", text);
  }
  return true;
}

describe("properties", () => {
  it(
    "generated valid sites are accepted and compile deterministically",
    () => {
      fc.assert(
        fc.property(validSite, (text) => {
          const seed = { site: SITE, text };
          if (!examine(seed, true))
            fail(
              "a valid site was refused",
              check(text, "p.yaml", opts(seed)).map((d) => `${d.code} ${d.object}: ${d.message}`),
            );
        }),
        share(0.1),
      );
    },
    TIMEOUT,
  );
  it(
    "every model hole planted in a generated site is reported with its code, by validate and gen alike",
    () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(validSite, holePick, (text, { hole, pick }) => {
          const h = HOLES[hole]!;
          const bad = planted(text, h, pick);
          if (bad === undefined) return;
          seen.add(h.name);
          const seed = { site: SITE, text: bad };
          if (examine(seed)) fail(`${h.name}: compiled`, bad);
          const codes: string[] = check(bad, "p.yaml", opts(seed)).map((d) => d.code);
          if (!codes.includes(h.code)) fail(`${h.name}: no ${h.code}`, { codes, bad });
        }),
        share(0.05),
      );
      if (RUNS >= 1000 && seen.size !== HOLES.length)
        fail(
          "some holes never found a place in the generated sites",
          HOLES.map((h) => h.name).filter((n) => !seen.has(n)),
        );
    },
    TIMEOUT,
  );
  it(
    "mutated inventories (structure, types, values): validate and gen agree, nothing throws",
    () => {
      let compiled = 0;
      fc.assert(
        fc.property(START, fc.array(dataMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (seed, ms, flow) => {
          if (examine({ ...seed, text: mutateData(seed.text, ms, flow) })) compiled++;
        }),
        share(0.5),
      );
      if (compiled < RUNS * 0.5 * 0.05) fail("too few data mutants compile to exercise the generator", compiled);
    },
    TIMEOUT,
  );
  it(
    "text-level edits and aliases: validate and gen agree, nothing throws",
    () => {
      fc.assert(
        fc.property(fc.oneof(START, fc.constantFrom(...SEEDS)), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (seed, ms) => {
          examine({ ...seed, text: ms.reduce(applyText, seed.text) });
        }),
        share(0.4),
      );
    },
    TIMEOUT,
  );
});
