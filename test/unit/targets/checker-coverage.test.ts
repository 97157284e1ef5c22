// Every file a target writes goes through a real checker: each registry row names its checkers
// (checkedBy), and each of its files must be one those checkers' suites select (checker-kinds.ts).
// A new target that writes a file no checker takes fails here, before anything reads the file.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { template } from "../../../src/targets/_template/index.js";
import { TARGETS } from "../../../src/targets/index.js";
import { artifactLandsAt, CHECKED_FILES } from "../../helpers/checker-kinds.js";
import { ROOT } from "../../helpers/gen.js";
import { variantText, withoutHa, fuelEnvText } from "../../helpers/variant.js";

function sites() {
  const inv = readdirSync(join(ROOT, "inventories")).filter((f) => /^[a-z0-9][a-z0-9_-]*\.yaml$/.test(f) && !f.endsWith(".lock.yaml"));
  const golden = readdirSync(join(ROOT, "test/cases/golden"));
  const texts: Array<[string, string, string]> = [
    ...inv.map((f): [string, string, string] => [f, f.replace(/\.yaml$/, ""), readFileSync(join(ROOT, "inventories", f), "utf8")]),
    ...golden.map((c): [string, string, string] => [`golden ${c}`, c, readFileSync(join(ROOT, "test/cases/golden", c, `${c}.yaml`), "utf8")]),
    ["fuel-env variant", "fuel-env", variantText()],
    ["fuel-env without ha", "fuel-env", withoutHa(fuelEnvText())],
  ];
  return texts.map(([name, site, text]) => {
    const r = compile(text, `${site}.yaml`, { site, source: `inventories/${site}.yaml` });
    if (!r.ok) throw new Error(`${name}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
    return { name, site: r.build.site };
  });
}

describe("every target's files have a real checker", () => {
  const all = sites();
  // the _template target (what scripts/new-target.mjs copies) is held to the same rule
  it.each([...TARGETS, template].map((t) => [t.name, t] as const))("%s", (_, t) => {
    const files = all.flatMap((s) => (t.plan(s.site).artifacts ?? []).map((a) => `${s.name}: ${artifactLandsAt(a)}`));
    const unclaimed = files.filter((f) => !t.checkedBy.some((k) => CHECKED_FILES[k].test(f)));
    expect(unclaimed, `add the checker to ${t.name}'s checkedBy, or a checker for these files to test/helpers/checker-kinds.ts`).toEqual([]);
    // a checker named but never used is a claim nothing backs
    const unused = t.checkedBy.filter((k) => !files.some((f) => CHECKED_FILES[k].test(f)));
    expect(unused).toEqual([]);
  });
});
