// Golden cases: test/cases/golden/<case>/<case>.yaml must produce exactly expected/ (file set, bytes, modes).
// To accept a reviewed change: UPDATE_GOLDEN=1 npx vitest run test/unit/golden.test.ts, then read the diff.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/gen.js";
import { genIn } from "../helpers/gen-inprocess.js";
import { copyTree, snapshotTree, tempDir } from "../helpers/tree.js";

const CASES = join(ROOT, "test/cases/golden");
const out = tempDir("golden");
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("golden cases", () => {
  const cases = readdirSync(CASES).sort();
  it("has cases", () => expect(cases.length).toBeGreaterThanOrEqual(2));
  for (const c of cases) {
    it(c, async () => {
      const r = await genIn(["--site", c, "--inventory", join("test/cases/golden", c), "--out", out, "--quiet"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const expectedDir = join(CASES, c, "expected");
      if (process.env.UPDATE_GOLDEN === "1") copyTree(join(out, c), expectedDir);
      expect(snapshotTree(join(out, c))).toEqual(snapshotTree(expectedDir));
    });
  }
});
