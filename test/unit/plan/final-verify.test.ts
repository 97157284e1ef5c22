// The final verify is derived from the plan: the checks of the steps targets re-run, each once,
// between the declared extras; nothing is a copy, so changing a step's checks changes host.sh's final checks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { program } from "../../../src/plan/actions.js";
import { check as c, checkCall } from "../../../src/plan/checks.js";
import { buildPlan, PlanError } from "../../../src/plan/build.js";
import { finalChecks, reverify } from "../../../src/plan/final.js";
import type { Check, Step } from "../../../src/plan/types.js";
import { compile } from "../../../src/compile.js";
import type { Site } from "../../../src/resolve/site.js";
import { ROOT } from "../../helpers/gen.js";

const step = (id: string, phase: Step["phase"], verify: Check[], host = "h"): Step => ({
  id,
  host,
  phase,
  title: id,
  apply: [program(["true"], { cls: "none", why: "test" })],
  verify,
  inverse: [program(["true"], { cls: "none", why: "test" })],
});
const site = { name: "s", source: "inventories/s.yaml", hosts: [], networks: [], vrouters: [] } as unknown as Site;

describe("final verify", () => {
  it("runs each reverified check once, marking what a later phase adds first with that phase", () => {
    const run = step("run", "runtime", [c("vlan", { link: "v", parent: "b", vid: 4 }), c("addr", { link: "v", cidr: "10.0.0.1/24" })]);
    const keep = step("keep", "persist", [c("unit", { unit: "u" }), c("vlan", { link: "v", parent: "b", vid: 4 })]);
    const out = finalChecks([run, keep], [reverify(run, "gw"), reverify(keep, "gw")], []);
    expect(out).toEqual([
      { ...c("vlan", { link: "v", parent: "b", vid: 4 }), host: "h", title: "gw" },
      { ...c("addr", { link: "v", cidr: "10.0.0.1/24" }), host: "h", title: "gw" },
      { ...c("unit", { unit: "u" }), host: "h", title: "gw", phase: "persist" },
    ]);
  });

  it("puts preconditions first and other extras after, groups by title, and leaves steps not asked for out", () => {
    const run = step("run", "runtime", [c("netns", { ns: "ns" })]);
    const svc = step("svc", "services", [c("unit", { unit: "d" })]);
    const out = finalChecks(
      [run, svc],
      [reverify(run, "router")],
      [
        { ...c("reachable", { address: "1.2.3.4" }), host: "h", title: "held elsewhere" },
        { ...c("ns-reachable", { ns: "ns", address: "1.2.3.4" }), host: "h", title: "router" },
        { ...c("sysctl", { key: "net.ipv4.ip_forward", value: "1" }), host: "h", title: "forwarding", before: true },
      ],
    );
    expect(out.map((x) => `${x.title}: ${x.kind}`)).toEqual(["forwarding: sysctl", "router: netns", "router: ns-reachable", "held elsewhere: reachable"]);
  });

  it("refuses to re-run a step no target planned", () => {
    const plan = () => ({ steps: [step("a", "runtime", [c("netns", { ns: "x" })])], reverify: [{ host: "h", step: "b", title: "x" }] });
    const t = { name: "t", summary: "", checkedBy: [], plan };
    expect(() => buildPlan(site, [t])).toThrow(new PlanError("the final verify re-runs step b on h, but no target planned it"));
  });

  it("is, for the jumphost, the runtime and persistence steps' own checks after forwarding", () => {
    const path = join(ROOT, "inventories/jumphost.yaml");
    const r = compile(readFileSync(path, "utf8"), path, { site: "jumphost", source: "inventories/jumphost.yaml" });
    if (!r.ok) throw new Error("jumphost does not compile");
    const { steps, checks } = r.build.plan;
    // the gateway's checks and, apart, those of its libvirt network's step (the hook and target its gateways share)
    const gw = checks.filter((x) => x.title === "gateway virbr1.104" || x.title === "libvirt network 1_provider");
    const own = [...new Set(steps.flatMap((s) => s.verify).map((x) => checkCall(x).join(" ")))];
    expect(gw.map((x) => checkCall(x).join(" ")).sort()).toEqual(own.sort());
    expect(checks[0]).toMatchObject({ title: "forwarding", kind: "sysctl" });
    expect(gw.filter((x) => x.phase).map((x) => [x.title, x.kind, x.phase])).toEqual([
      ["gateway virbr1.104", "unit", "persist"],
      ["libvirt network 1_provider", "file", "persist"],
      ["libvirt network 1_provider", "file", "persist"],
    ]);
  });
});
