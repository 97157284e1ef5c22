// The published JSON Schema is valid, editors can find it from every inventory, and the TypeScript
// types in src/model/types.ts name the same properties.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/gen.js";

const schema = JSON.parse(readFileSync(join(ROOT, "src/model/site.schema.json"), "utf8"));
const types = readFileSync(join(ROOT, "src/model/types.ts"), "utf8");

const INTERFACE: Record<string, string> = {
  "#": "SiteDoc",
  host: "HostDoc",
  bridge: "BridgeDoc",
  attachment: "AttachmentDoc",
  range: "RangeDoc",
  static: "StaticDoc",
  gateway: "GatewayDoc",
  network: "NetworkDoc",
  vrouter: "VrouterDoc",
  "vrouter-member": "VrouterMemberDoc",
  "vrouter-leg": "VrouterLegDoc",
  "vrouter-ha": "VrouterHaDoc",
};

function interfaceProps(name: string): string[] {
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(types)?.[1] ?? "";
  return [...body.matchAll(/^ {2}([a-z_][a-z0-9_]*)\??:/gm)].map((m) => m[1]!).sort();
}

describe("site.schema.json", () => {
  it("compiles under ajv's strict mode", () => {
    // the build's options (scripts/build.mjs): virtual_router_id is an integer or the string auto
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
    expect(() => ajv.compile(schema)).not.toThrow();
  });
  it.each(Object.entries(INTERFACE))("$defs %s matches interface %s", (def, iface) => {
    const props = Object.keys((def === "#" ? schema : schema.$defs[def]).properties).sort();
    expect(interfaceProps(iface)).toEqual(props);
  });
  it("every inventory points editors at the schema", () => {
    const dirs = [join(ROOT, "inventories"), ...readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c))];
    for (const d of dirs) {
      for (const f of readdirSync(d).filter((x) => x.endsWith(".yaml") && !x.endsWith(".lock.yaml"))) {
        const first = readFileSync(join(d, f), "utf8").split("\n")[0]!;
        const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
        expect(m, `${d}/${f}`).not.toBeNull();
        expect(existsSync(resolve(dirname(join(d, f)), m![1]!)), `${d}/${f}`).toBe(true);
      }
    }
  });
});
