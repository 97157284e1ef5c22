// The engine's lib.sh (out/engine/lib.sh) carries every check and action helper, each its own
// template (templates/shell/lib/<name>.hbs), and so everything any host's scripts call.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_FNS } from "../../../src/plan/types.js";
import { ENGINE } from "../../../src/bundles/engine-paths.js";
import { engineFiles } from "../../../src/bundles/engine.js";
import { HOST_SH, ROOT } from "../../helpers/gen.js";

const LIB = join(ROOT, "templates/shell/lib");
const HELPERS = ["install_file", "remove_file", "install_secret"];
const names = readdirSync(LIB)
  .map((f) => f.replace(/\.hbs$/, ""))
  .sort();

function hostDirs(): string[] {
  const trees = [
    ...readdirSync(join(ROOT, "out"))
      .filter((s) => s !== ENGINE)
      .map((s) => join(ROOT, "out", s)),
    ...readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, "expected")),
  ];
  return trees.flatMap((t) => readdirSync(join(t, "hosts")).map((h) => join(t, "hosts", h)));
}

describe("lib.sh", () => {
  it("has one template per check function and action helper, and no other", () => {
    expect(names).toEqual([...CHECK_FNS, ...HELPERS].sort());
  });

  it("defines every helper, and so each one the scripts of every host of every committed tree and golden call", () => {
    const dirs = hostDirs();
    expect(dirs.length).toBeGreaterThan(10);
    const lib = engineFiles().find((f) => f.path === "lib.sh")!.content;
    expect(lib).toBe(readFileSync(join(ROOT, "out", ENGINE, "lib.sh"), "utf8"));
    const defined = names.filter((n) => lib.includes(`\n${n}() {`));
    expect(defined).toEqual(names);
    for (const d of dirs) {
      expect(existsSync(join(d, "lib.sh")), d).toBe(false);
      const scripts = readFileSync(join(d, HOST_SH), "utf8");
      const called = names.filter((n) => new RegExp(`(^|[\\s;(])${n} `, "m").test(scripts));
      expect(
        called.filter((n) => !defined.includes(n)),
        d,
      ).toEqual([]);
    }
  });
});
