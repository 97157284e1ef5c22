// lib.sh carries exactly what its host's scripts call: every check and action helper is its own
// template (templates/shell/lib/<name>.hbs), included only where the plan uses it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_FNS } from "../../../src/plan/types.js";
import { ROOT } from "../../helpers/gen.js";

const LIB = join(ROOT, "templates/shell/lib");
const HELPERS = ["install_file", "remove_file", "install_secret"];
const names = readdirSync(LIB).map((f) => f.replace(/\.hbs$/, "")).sort();

function hostDirs(): string[] {
  const trees = [
    ...readdirSync(join(ROOT, "out")).map((s) => join(ROOT, "out", s)),
    ...readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, "expected")),
  ];
  return trees.flatMap((t) => readdirSync(join(t, "hosts")).map((h) => join(t, "hosts", h)));
}

describe("lib.sh", () => {
  it("has one template per check function and action helper, and no other", () => {
    expect(names).toEqual([...CHECK_FNS, ...HELPERS].sort());
  });

  it("defines, on every host of every committed tree and golden, exactly the helpers its scripts call", () => {
    const dirs = hostDirs();
    expect(dirs.length).toBeGreaterThan(10);
    for (const d of dirs) {
      const lib = readFileSync(join(d, "lib.sh"), "utf8");
      const scripts = ["audit.sh", "apply.sh", "rollback.sh", "verify.sh"].filter((f) => existsSync(join(d, f)))
        .map((f) => readFileSync(join(d, f), "utf8")).join("\n");
      const defined = names.filter((n) => lib.includes(`\n${n}() {`));
      const called = names.filter((n) => new RegExp(`(^|[\\s;(])${n} `, "m").test(scripts));
      expect(defined, d).toEqual(called);
    }
  });
});
