// What a step does is typed data: only the renderers spell commands, and nothing learns what a step
// means by reading a command's words back. These scans fail on the patterns that did exactly that.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCall, CHECKS } from "../../../src/plan/checks.js";
import { CHECK_FNS } from "../../../src/plan/types.js";
import { commandOf, type CommandAction } from "../../../src/render/commands.js";
import { actionText } from "../../../src/render/shell-lines.js";
import { buildFuelEnv, buildGolden } from "../../helpers/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { fuelEnvText } from "../../helpers/variant.js";

/** The modules that turn typed actions into command lines (shell, Ansible data and task files). */
const RENDERERS = new Set(["src/render/commands.ts", "src/render/shell-lines.ts", "src/bundles/ansible-data.ts", "src/bundles/ansible-words.ts"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [relative(ROOT, p)] : [];
  });
}

/** Reading a command's words back: a word by position compared, or searched for in an argv. */
const WORD_READS = [/\b(argv|words?|w|rest)\[\d+\]\s*[!=]==/, /\b(argv|words?)\.(includes|indexOf|find|findIndex|filter)\(/, /plainWords\(/, /kind === "cmd"/];

describe("typed actions", () => {
  it("no module outside the renderers reads a command's words", () => {
    const found = sources(join(ROOT, "src"))
      .filter((f) => !RENDERERS.has(f) && f !== "src/plan/actions.ts")
      .flatMap((f) =>
        readFileSync(join(ROOT, f), "utf8")
          .split("\n")
          .flatMap((line, i) => (WORD_READS.some((re) => re.test(line.replace(/process\.argv/g, ""))) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(found).toEqual([]);
  });

  it("the scan would catch the old classifier's way of reading words", () => {
    const old = ['if (w[0] === "ovs-vsctl") return link;', 'const inner = ip.rest[0] === "nft";', 'a.argv.includes("addr")'];
    expect(old.filter((l) => WORD_READS.some((re) => re.test(l)))).toEqual(old);
  });

  it("every check kind has its lib.sh function, in lib.sh's order", () => {
    expect(CHECK_FNS).toEqual(Object.values(CHECKS).map((d) => d.fn));
    expect(new Set(CHECK_FNS).size).toBe(CHECK_FNS.length);
  });

  it("every live action of the seeds renders to a command with the guard its kind implies", () => {
    const plans = [buildFuelEnv(fuelEnvText()), buildGolden("vrouter-pacemaker"), buildGolden("dual-stack-vlan")];
    const actions = plans.flatMap((b) => b.plan.steps.flatMap((s) => [...s.apply, ...s.inverse]));
    const live = actions.filter((a): a is CommandAction => !["install", "remove", "secret"].includes(a.kind));
    const kinds = new Set(live.map((a) => a.kind));
    // the seeds exercise these kinds (ovs and iptables come from the guest and variant tests)
    for (const k of [
      "netns-add",
      "netns-del",
      "veth-add",
      "link-master",
      "link-up",
      "link-del",
      "addr-replace",
      "route-replace",
      "route-del",
      "sysctl",
      "nft-table",
      "nft-table-del",
      "vlan-add",
      "unit",
      "program",
      "cluster",
    ])
      expect(kinds, k).toContain(k);
    for (const a of live) {
      const c = commandOf(a);
      expect(c.argv.length, a.kind).toBeGreaterThan(0);
      // an add is skipped when its object is there, a delete when it is gone
      if (a.kind.endsWith("-add") && a.kind !== "ovs-port-add") expect(c.unless, a.kind).toBeDefined();
      if (a.kind === "link-del" || a.kind === "netns-del" || a.kind === "nft-table-del" || a.kind === "iptables-del") expect(c.onlyIf, a.kind).toBeDefined();
    }
    expect(actionText({ kind: "ovs-port-add", bridge: "br-ex", link: "vr-ex", vid: 7 })).toBe(
      "run ovs-vsctl --may-exist add-port br-ex vr-ex tag=7 -- set Interface vr-ex type=internal",
    );
    expect(actionText({ kind: "iptables-add", ns: "vr", table: "nat", chain: "POSTROUTING", rule: ["-j", "MASQUERADE"] })).toBe(
      "if ! quiet ip netns exec vr iptables -w -t nat -C POSTROUTING -j MASQUERADE; then run ip netns exec vr iptables -w -t nat -A POSTROUTING -j MASQUERADE; fi",
    );
  });

  it("a check's fields become its function's arguments", () => {
    expect(checkCall({ kind: "ns-default-route", params: { ns: "vr", via: "10.0.0.1" } })).toEqual(["check_ns_route", "vr", "default", "10.0.0.1"]);
    expect(checkCall({ kind: "vlan", params: { link: "v.4", parent: "v", vid: 4 } })).toEqual(["check_vlan", "v.4", "v", "4"]);
  });
});
