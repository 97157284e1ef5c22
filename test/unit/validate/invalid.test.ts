// Invalid cases: test/cases/invalid/<case>.yaml must print exactly <case>.expected, exit 1, and write nothing (no lock file either).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { formatDiagnostics } from "../../../src/diag/diagnostic.js";
import { ROOT } from "../../helpers/gen.js";
import { genIn } from "../../helpers/gen-inprocess.js";
import { RULE_CODES, WARNING_CODES } from "../../helpers/rule-codes.js";
import { snapshotTree, tempDir } from "../../helpers/tree.js";

const DIR = join(ROOT, "test/cases/invalid");
const out = tempDir("invalid");
afterAll(() => rmSync(out, { recursive: true, force: true }));

const listTs = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f));
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
  .map((f) => f.slice(0, -5))
  .sort();
/** A case's lock file (<case>.lock.yaml), as the CLI reads it, when it has one. */
const lockOf = (c: string) => {
  const file = `test/cases/invalid/${c}.lock.yaml`;
  return existsSync(join(ROOT, file)) ? { text: readFileSync(join(ROOT, file), "utf8"), file } : undefined;
};

describe("invalid inventories", () => {
  it("cover every rule", () => {
    const seen = new Set(cases.flatMap((c) => [...readFileSync(join(DIR, `${c}.expected`), "utf8").matchAll(/error\[([a-z0-9-]+)\]/g)].map((m) => m[1]!)));
    expect(RULE_CODES.filter((c) => !seen.has(c))).toEqual([]);
    expect([...seen].filter((c) => !RULE_CODES.includes(c))).toEqual([]); // a new code joins the list above
  });
  it("name every rule code the validator can report", () => {
    // Literal codes in src/validate and src/model; the constructed `${role}-outside-subnet` ones are listed by hand above.
    const src = [...listTs(join(ROOT, "src/validate")), ...listTs(join(ROOT, "src/model")), ...listTs(join(ROOT, "src/alloc"))]
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const literal = [...src.matchAll(/(?:report\([^;]*?|code: )"([a-z0-9]+(?:-[a-z0-9]+)+)"/g)].map((m) => m[1]!);
    const notCodes = new Set(["host-bits", "ip-address", "bridge-owner"]);
    expect([...new Set(literal)].filter((c) => !notCodes.has(c) && !RULE_CODES.includes(c))).toEqual([]);
    const warned = [...src.matchAll(/warn\([^;]*?"([a-z0-9]+(?:-[a-z0-9]+)+)"/g)].map((m) => m[1]!);
    expect([...new Set(warned)].sort()).toEqual([...WARNING_CODES].sort());
  });
  for (const c of cases) {
    it(c, async () => {
      // A previous good tree for this site must survive untouched.
      const prev = join(out, c);
      mkdirSync(prev, { recursive: true });
      writeFileSync(join(prev, "sentinel.txt"), "previous output\n");
      const before = snapshotTree(out);
      const inventory = readdirSync(DIR); // no lock file appears beside the inventory either
      const r = await genIn(["--site", c, "--inventory", "test/cases/invalid", "--out", out]);
      expect(r.stderr).toBe(readFileSync(join(DIR, `${c}.expected`), "utf8"));
      expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
      expect(r.code).toBe(1);
      expect(snapshotTree(out)).toEqual(before);
      expect(readdirSync(DIR)).toEqual(inventory);
    });
  }
  it("compile() in process reports exactly what the CLI prints, for every case", () => {
    for (const c of cases) {
      const file = `test/cases/invalid/${c}.yaml`;
      const text = readFileSync(join(ROOT, file), "utf8");
      const lock = lockOf(c);
      const r = compile(text, file, { site: c, source: file, ...(lock ? { lock } : {}) });
      expect(r.ok ? "compiled" : formatDiagnostics(r.diagnostics, text, undefined, lock ? { [lock.file]: lock.text } : {}), c).toBe(
        readFileSync(join(DIR, `${c}.expected`), "utf8"),
      );
    }
  });
  it("validate reports every file's problems and exits 1", async () => {
    const r = await genIn(["validate", "--inventory", "test/cases/invalid"]);
    expect(r.code).toBe(1);
    for (const c of cases) expect(r.stderr).toMatch(new RegExp(`test/cases/invalid/${c}\\.(lock\\.)?yaml:`));
    expect(existsSync(join(ROOT, "out", cases[0]!))).toBe(false);
  });
});
