// Input that used to crash or mislead: YAML aliases, a host attached twice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, compile } from "../../../src/compile.js";
import { ROOT } from "../../helpers/gen.js";

const JUMPHOST = readFileSync(join(ROOT, "inventories/jumphost.yaml"), "utf8");
const opts = { site: "jumphost", source: "inventories/jumphost.yaml" };

/** jumphost with n statics on provider-vip, every description an alias of one anchor. */
function manyAliases(n: number): string {
  const statics = Array.from({ length: n }, (_, i) => `      - { name: s${i}, address: 10.12.9.${i + 1}, description: *d }`).join("\n");
  return `${JUMPHOST.replace("description: a host's br-prov-api static (after the carve)", "description: &d a static of the VIP network")}\n${statics}\n`;
}

describe("YAML aliases", () => {
  it("ordinary reuse works: 100 aliases of one anchor compile, and alias and literal compile alike", () => {
    const r = compile(manyAliases(100), "j.yaml", opts);
    expect(r.ok ? [] : r.diagnostics).toEqual([]);
    const literal = compile(manyAliases(100).replaceAll("*d", "a static of the VIP network"), "j.yaml", opts);
    // Every file but the manifest, which records the inventory's own hash.
    const body = (x: typeof r) => (x.ok ? x.build.files.filter((f) => f.path !== "manifest.json").map((f) => [f.path, f.content]) : []);
    expect(body(r).length).toBeGreaterThan(9);
    expect(body(r)).toEqual(body(literal));
  });
  it("an alias of a whole mapping is located inside the anchored value", () => {
    const text = JUMPHOST.replace("  - name: provider\n", "  - &p\n    name: provider\n").replace(
      "\n  - name: provider-vip\n",
      "\n  - *p\n  - name: provider-vip\n",
    );
    const ds = check(text, "j.yaml", opts);
    expect(ds.map((d) => [d.code, d.line])).toContainEqual(["duplicate-name", 21]); // the anchored 'name: provider' line
  });
});

describe("validate and gen agree", () => {
  const att = "    vlan: 104\n    attach:\n      - { host: jumphost, bridge: virbr1 }";
  const twice = JUMPHOST.replace(att, `${att}\n      - { host: jumphost, bridge: virbr1 }`);
  it("a host attached twice to one network is a diagnostic for both", () => {
    expect(check(twice, "j.yaml", opts).map((d) => d.code)).toEqual(["host-attached-twice"]);
    const r = compile(twice, "j.yaml", opts);
    expect(r.ok ? [] : r.diagnostics.map((d) => d.code)).toEqual(["host-attached-twice"]);
  });
});
