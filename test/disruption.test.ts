// Disruption classes (src/plan/disruption.ts): read from typed actions, worst action wins.
import { describe, expect, it } from "vitest";
import { compile } from "../src/compile.js";
import { cmd, netplan, unitOp, type Action } from "../src/plan/actions.js";
import { actionDisruption, recommendedWindow, stepDisruption, type DisruptionContext } from "../src/plan/disruption.js";
import type { Step } from "../src/plan/types.js";
import { fuelEnvText } from "./helpers/variant.js";

const ctx: DisruptionContext = { vips: new Set(["192.168.0.2"]), mgmtLinks: new Map([["h", new Set(["br-mgmt"])]]) };
const cls = (a: Action) => actionDisruption(a, "h", ctx).cls;

describe("disruption classes", () => {
  it("rates each kind of action", () => {
    expect(cls({ kind: "install", dest: "/etc/x", mode: 0o644 })).toBe("none");
    expect(cls(netplan("generate"))).toBe("none");
    expect(cls(netplan("apply"))).toBe("session");
    expect(cls(unitOp("enable", "x.service"))).toBe("none");
    expect(cls(unitOp("enable", "x.service", { now: true }))).toBe("service");
    expect(cls(unitOp("restart", "x.service"))).toBe("service");
    expect(cls(cmd(["ip", "link", "add", "link", "virbr1", "name", "virbr1.104", "type", "vlan", "id", "104"]))).toBe("additive");
    expect(cls(cmd(["ip", "link", "del", "dev", "virbr1.104"]))).toBe("link");
    expect(cls(cmd(["ip", "route", "replace", "default", "via", "10.0.0.1"]))).toBe("session");
    expect(cls(cmd(["ip", "-n", "vr", "route", "replace", "default", "via", "10.0.0.1"]))).toBe("default-route");
    expect(cls(cmd(["ip", "-n", "vr", "addr", "replace", "192.168.0.2/24", "dev", "vr-mgmt"]))).toBe("vip");
    expect(cls(cmd(["ip", "addr", "replace", "192.168.0.9/24", "dev", "br-mgmt"]))).toBe("session");
    expect(cls(cmd(["ip", "addr", "replace", "10.1.0.1/24", "dev", "other"]))).toBe("additive");
    expect(cls(cmd(["ip", "link", "set", "dev", "p", "master", "br-mgmt"]))).toBe("link");
    expect(cls(cmd(["ip", "netns", "exec", "vr", "nft", "table inet t\ndelete table inet t\ntable inet t {\n}\n"]))).toBe("additive");
    expect(cls(cmd(["ip", "netns", "exec", "vr", "nft", "delete", "table", "inet", "t"]))).toBe("link");
    expect(cls(cmd(["ip", "netns", "del", "vr"]))).toBe("link");
    // an unknown program is assumed to interrupt something
    expect(cls(cmd(["frobnicate"]))).toBe("link");
    // a program sitegen ships states what it does
    expect(cls(cmd(["python3", "takeover.py", "take-live"], { disrupts: { cls: "session", why: "default route" } }))).toBe("session");
  });

  it("a live node takeover can cut the node's session, applied and given back (REVIEW.md recommends a confirm window)", () => {
    const text = fuelEnvText().replace(/(- name: cmp1[\s\S]*?owner: )netplan/, "$1unmanaged");
    const r = compile(text, "inventories/fuel-env.yaml", { site: "fuel-env", source: "inventories/fuel-env.yaml" });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const plan = r.build.plan;
    const node = plan.steps.find((s) => s.host === "cmp1" && s.phase === "nodes")!;
    const d = stepDisruption(node, ctx);
    expect(d.apply.cls).toBe("session");
    expect(d.inverse.cls).toBe("session");
  });

  it("a step is as disruptive as its worst action, applied and undone separately", () => {
    const s: Step = { id: "x", host: "h", phase: "runtime", title: "t", verify: [],
      apply: [cmd(["ip", "link", "add", "a", "type", "dummy"]), cmd(["ip", "-n", "vr", "addr", "replace", "192.168.0.2/24", "dev", "v"])],
      inverse: [cmd(["ip", "link", "del", "a"])] };
    const d = stepDisruption(s, ctx);
    expect(d.apply).toEqual({ cls: "vip", why: "VIP 192.168.0.2" });
    expect(d.inverse.cls).toBe("link");
  });

  it("recommends at least netplan try's 120 s, more for long plans", () => {
    expect(recommendedWindow(2)).toBe(120);
    expect(recommendedWindow(30)).toBe(210);
  });
});
