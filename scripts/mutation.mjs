#!/usr/bin/env node
// Mutation testing, on demand (not in CI): `npm run test:mutation [-- --count N --seed S --file src/x.ts]`;
// `-- --from K` skips the sample's first K (already run); `-- --list` prints the sample without running it;
// `-- --rerun` re-runs only the survivors of the last report (after adding tests) and writes rerun.json.
// Copies the project to a scratch folder once, then for each sampled mutant (one small operator change in
// one src/ file: a comparison, a boolean, an off-by-one, some/every, and/or) runs the behavioural test
// files, never the byte comparisons of goldens and committed out/ (golden.test.ts, cli.test.ts). A mutant
// is killed when a test fails (or times out). Prints the score and every survivor; writes
// .cache/mutation/report.json.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const COUNT = Number(arg("count", "40"));
/** Skip the sample's first mutants (already run): `--count 60 --from 30` runs the 31st to 60th of the same sample. */
const FROM = Number(arg("from", "0"));
const SEED = Number(arg("seed", "14"));
const ONLY = arg("file", "");
const RERUN = process.argv.includes("--rerun");
const REPORT = join(root, ".cache/mutation/report.json");
const TESTS = [
  "test/unit/validate/invalid.test.ts",
  "test/unit/validate/property.test.ts",
  "test/tools/free-text.test.ts",
  "test/unit/model/parse-hardening.test.ts",
  "test/unit/validate/vrouter-rules.test.ts",
  "test/unit/bundles/ansible-bundle.test.ts",
  "test/unit/render/yaml-emitter.test.ts",
  "test/unit/cli/cli-inprocess.test.ts",
  "test/unit/plan/gates.test.ts",
  "test/unit/bundles/lib-sh.test.ts",
  "test/unit/bundles/review.test.ts",
  "test/unit/plan/final-verify.test.ts",
  "test/unit/plan/plan.test.ts",
  "test/unit/plan/disruption.test.ts",
  "test/unit/net/address-boundaries.test.ts",
  "test/unit/validate/interface-names.test.ts",
  "test/unit/resolve/gateway-persistence.test.ts",
  "test/unit/resolve/router-defaults.test.ts",
  "test/unit/targets/router-plan.test.ts",
  "test/unit/plan/disruption-context.test.ts",
  "test/unit/transition/diff-vip.test.ts",
  "test/unit/bundles/ansible-handlers.test.ts",
  "test/unit/resolve/dual-stack.test.ts",
  "test/unit/bundles/review-hosts.test.ts",
];

/** [name, pattern, replacement]: each match of pattern is one candidate mutant. */
const OPERATORS = [
  ["=== to !==", / === /g, " !== "],
  ["!== to ===", / !== /g, " === "],
  ["<= to <", / <= /g, " < "],
  [">= to >", / >= /g, " > "],
  ["< to <=", / < (?!=)/g, " <= "],
  ["> to >=", / > (?!=)/g, " >= "],
  ["&& to ||", / && /g, " || "],
  ["|| to &&", / \|\| /g, " && "],
  ["+ 1 to - 1", / \+ 1\b/g, " - 1"],
  ["- 1 to + 1", / - 1\b/g, " + 1"],
  ["true to false", /\btrue\b/g, "false"],
  ["false to true", /\bfalse\b/g, "true"],
  ["some to every", /\.some\(/g, ".every("],
  ["every to some", /\.every\(/g, ".some("],
];

const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
const mutable = (f) => f.endsWith(".ts") && !f.includes("/generated/") && !f.endsWith("types.ts") && (!ONLY || f.endsWith(ONLY));
const sources = walk(join(root, "src")).filter(mutable);

function candidates() {
  const out = [];
  for (const f of sources) {
    const text = readFileSync(f, "utf8");
    for (const [name, re, rep] of OPERATORS) {
      for (const m of text.matchAll(re)) {
        const line = text.slice(0, m.index).split("\n").length;
        const lineText = text.split("\n")[line - 1].trim();
        if (lineText.startsWith("//") || lineText.startsWith("*") || lineText.startsWith("import")) continue;
        out.push({ file: relative(root, f), index: m.index, length: m[0].length, rep, name, line, lineText });
      }
    }
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a seed names the same sample on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(all) {
  const r = rng(SEED);
  const xs = [...all];
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs.slice(FROM, Math.min(COUNT, xs.length));
}

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "sitegen-mutation-"));
  const parts = ["src", "test", "templates", "inventories", "out", "scripts", "package.json", "tsconfig.json", "vitest.config.ts", "dist"];
  for (const p of parts) cpSync(join(root, p), join(dir, p), { recursive: true });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** The last report's survivors, matched to today's candidates by file, offset and operator. */
function survivors(all) {
  const last = JSON.parse(readFileSync(REPORT, "utf8")).results.filter((r) => !r.killed);
  return last.map((s) => {
    const m = all.find((c) => c.file === s.file && c.index === s.index && c.name === s.name);
    if (!m) throw new Error(`survivor ${s.file}:${s.line} ${s.name} is no longer a candidate (source changed)`);
    return m;
  });
}

function main() {
  const all = candidates();
  const picked = RERUN ? survivors(all) : sample(all);
  if (process.argv.includes("--list")) {
    for (const m of picked) process.stdout.write(`${m.file}:${m.line} ${m.name}: ${m.lineText.slice(0, 100)}\n`);
    return;
  }
  const dir = scratch();
  const results = [];
  try {
    picked.forEach((m, i) => {
      const path = join(dir, m.file);
      const orig = readFileSync(path, "utf8");
      writeFileSync(path, orig.slice(0, m.index) + m.rep + orig.slice(m.index + m.length));
      const t0 = Date.now();
      const env = { ...process.env, SITEGEN_PROPERTY_RUNS: "300" };
      const r = spawnSync("npx", ["vitest", "run", "--bail", "1", ...TESTS], { cwd: dir, env, encoding: "utf8", timeout: 300_000 });
      writeFileSync(path, orig);
      const killed = r.status !== 0;
      results.push({ ...m, killed, seconds: Math.round((Date.now() - t0) / 1000) });
      process.stdout.write(`${i + 1}/${picked.length} ${killed ? "killed  " : "SURVIVED"} ${m.file}:${m.line} ${m.name}: ${m.lineText.slice(0, 100)}\n`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const killed = results.filter((r) => r.killed).length;
  const score = results.length ? (100 * killed) / results.length : 0;
  process.stdout.write(`\nmutation score: ${killed}/${results.length} killed (${score.toFixed(1)} %), ${all.length} candidates, seed ${SEED}\n`);
  for (const s of results.filter((r) => !r.killed)) process.stdout.write(`survivor: ${s.file}:${s.line} ${s.name}: ${s.lineText}\n`);
  mkdirSync(join(root, ".cache/mutation"), { recursive: true });
  const out = RERUN ? join(root, ".cache/mutation/rerun.json") : REPORT;
  writeFileSync(out, `${JSON.stringify({ seed: SEED, rerun: RERUN, candidates: all.length, score, results }, null, 1)}\n`);
}

execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
main();
