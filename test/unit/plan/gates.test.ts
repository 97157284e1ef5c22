// The gate registry (src/plan/gates.ts): one id and one shell partial per kind, nothing unregistered,
// and in every compiled site an id names exactly one kind.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { GATES, type GateKind } from "../../../src/plan/gates.js";
import { ROOT } from "../../helpers/gen.js";

const PARTIALS = join(ROOT, "templates/shell/gates");
const kinds = Object.keys(GATES) as GateKind[];

function sites(): Array<[string, string]> {
  const inv = readdirSync(join(ROOT, "inventories")).filter((f) => !f.endsWith(".lock.yaml")).map((f) => join(ROOT, "inventories", f));
  const golden = readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, `${c}.yaml`));
  return [...inv, ...golden].map((p) => [p, p.split("/").at(-1)!.replace(/\.yaml$/, "")]);
}

describe("gate registry", () => {
  it("gives every kind its own id", () => {
    const ids = kinds.map((k) => GATES[k].id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has a partial for every kind and no partial without a kind", () => {
    const partials = readdirSync(PARTIALS).map((f) => f.replace(/\.hbs$/, "")).sort();
    expect(partials).toEqual([...kinds].sort());
  });

  it("uses each id for one kind only, on every host of every site", () => {
    for (const [path, site] of sites()) {
      const r = compile(readFileSync(path, "utf8"), path, { site, source: path });
      if (!r.ok) throw new Error(`${path} does not compile`);
      const byId = new Map<string, Set<string>>();
      for (const g of r.build.plan.gates) byId.set(g.id, (byId.get(g.id) ?? new Set()).add(g.kind));
      for (const [id, ks] of byId) expect([...ks], `${site} ${id}`).toHaveLength(1);
      expect(r.build.plan.gates.every((g) => g.id === GATES[g.kind].id)).toBe(true);
    }
  });
});
