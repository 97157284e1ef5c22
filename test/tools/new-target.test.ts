// Adding a target as docs/architecture.md says, proven on a copy of the checkout: the scaffold
// (scripts/new-target.mjs) compiles, is registered, its golden case generates and its test passes.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const tmp = tempDir("new-target");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("scripts/new-target.mjs", () => {
  it("scaffolds a target that type-checks, is in the registry, generates its golden case and passes its test", () => {
    const copy = join(tmp, "repo");
    mkdirSync(copy);
    for (const p of [
      "src",
      "templates",
      "scripts",
      "bench",
      "inventories",
      "test/helpers",
      "test/cases/golden",
      "test/unit",
      "package.json",
      "tsconfig.json",
    ]) {
      cpSync(join(ROOT, p), join(copy, p), { recursive: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    const sh = (cmd: string, args: string[]) => run(cmd, args, { cwd: copy });
    const made = sh(process.execPath, ["scripts/new-target.mjs", "demo-unit"]);
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    expect(readFileSync(join(copy, "src/targets/index.ts"), "utf8")).toMatch(
      /import \{ demoUnit \} from "\.\/demo-unit\/index\.js";[\s\S]*cloudInit, demoUnit,\n\];/,
    );
    expect(sh(process.execPath, ["scripts/generate.mjs"]).code).toBe(0);
    const tsc = sh(join(ROOT, "node_modules/.bin/tsc"), ["-p", "tsconfig.json", "--noEmit"]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    const vitest = (files: string[], env: Record<string, string> = {}) =>
      run(join(ROOT, "node_modules/.bin/vitest"), ["run", "--root", copy, "--config", join(ROOT, "vitest.config.ts"), ...files], {
        cwd: copy,
        env: { ...process.env, ...env },
      });
    // the golden case's expected tree, as a contributor makes it, then the target's own test and the rating pins
    expect(vitest(["test/unit/golden.test.ts"], { UPDATE_GOLDEN: "1" }).code).toBe(0);
    const own = vitest(["test/unit/targets/demo-unit.test.ts"]);
    expect(own.stdout).toMatch(/2 passed/);
    expect(own.code).toBe(0);
    // the pins fail until the new steps have one: the scaffold's last instruction
    const pins = vitest(["test/unit/plan/disruption.test.ts"]);
    expect(pins.code).toBe(1);
    expect(pins.stdout.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(/× demo-unit/);
  });
});
