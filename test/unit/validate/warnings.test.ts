// Warnings: located and shown like errors, never blocking unless --strict, repeated at the top of REVIEW.md.
// test/cases/warning/<case>.yaml must print exactly <case>.expected (its warnings) and still pass.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/gen.js";
import { genIn } from "../../helpers/gen-inprocess.js";
import { WARNING_CODES } from "../../helpers/rule-codes.js";
import { tempDir } from "../../helpers/tree.js";

const DIR = "test/cases/warning";

const cases = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.slice(0, -5))
  .sort();
const expected = (c: string) => readFileSync(join(ROOT, DIR, `${c}.expected`), "utf8");
const tmp = tempDir("warnings");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("warnings", () => {
  it("every warning code has a case, and each case warns exactly once", async () => {
    const seen = cases.flatMap((c) => [...expected(c).matchAll(/warning\[([a-z-]+)\]/g)].map((m) => m[1]));
    expect([...seen].sort()).toEqual([...WARNING_CODES].sort());
    expect(readFileSync(join(ROOT, "test/cases/invalid/errors-and-warnings.expected"), "utf8")).toMatch(/\n1 error, 1 warning; nothing was written\n$/);
  });
  for (const c of cases) {
    it(`${c}: validate shows it and passes`, async () => {
      const r = await genIn(["validate", "--inventory", DIR, "--site", c]);
      expect(r.stderr).toBe(expected(c));
      expect(r.stdout).toBe(`${DIR}/${c}.yaml: ok; 1 warning\n`);
      expect(r.code).toBe(0);
    });
    it(`${c}: --strict makes it block`, async () => {
      const v = await genIn(["validate", "--inventory", DIR, "--site", c, "--strict"]);
      expect(v.stderr).toBe(`${expected(c)}1 warning (--strict)\n`);
      expect(v.code).toBe(1);
      const g = await genIn(["--site", c, "--inventory", DIR, "--out", tmp, "--strict"]);
      expect(g.stderr).toBe(`${expected(c)}1 warning; nothing was written (--strict)\n`);
      expect(g.code).toBe(1);
      expect(existsSync(join(tmp, c))).toBe(false);
    });
    it(`${c}: gen writes, and REVIEW.md repeats the warning at the top`, async () => {
      const r = await genIn(["--site", c, "--inventory", DIR, "--out", tmp]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(expected(c));
      expect(r.stdout).toMatch(new RegExp(`^${tmp}/${c}: wrote \\d+ files; review ${tmp}/${c}/REVIEW\\.md; 1 warning\n$`));
      const review = readFileSync(join(tmp, c, "REVIEW.md"), "utf8");
      const [, line, col] = /^[^:]+:(\d+):(\d+): warning/.exec(expected(c))!;
      const at = review.indexOf(`- \`warning/${c}.yaml:${line}:${col}\` **${WARNING_CODES.find((w) => expected(c).includes(`[${w}]`))}**`);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(review.indexOf("## Networks"));
    });
  }
  it("node-bridge-no-ports says what the output really holds: a bridge with no interfaces", async () => {
    expect((await genIn(["--site", "node-bridge-no-ports", "--inventory", DIR, "--out", tmp, "-q"])).code).toBe(0);
    const nc = readFileSync(join(tmp, "node-bridge-no-ports/hosts/n1/cloud-init/network-config"), "utf8");
    expect(nc).toMatch(/interfaces: \[\]/);
  });
  it("a site without warnings has no Warnings section", async () => {
    expect(readFileSync(join(ROOT, "out/jumphost/REVIEW.md"), "utf8")).not.toContain("## Warnings");
  });
});
