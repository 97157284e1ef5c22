// Disruption ratings (src/plan/disruption.ts), computed from typed actions and the site. The per-target
// pins below are written from what each step does to a live host, applied and undone, not copied from
// the output: every step of every seed and golden site must match one, so a new target's steps get a
// pin of their own.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, type Build } from "../../../src/compile.js";
import { netplan, program, unitOp, type Action, type UnitServes } from "../../../src/plan/actions.js";
import { actionDisruption, disruptionContext, recommendedWindow, stepDisruption, worstOf } from "../../../src/plan/disruption.js";
import { buildGolden, buildFuelEnv } from "../../helpers/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { fuelEnvText } from "../../helpers/variant.js";

const fuel = buildFuelEnv(fuelEnvText());
const ctx = disruptionContext(fuel.site);
const cls = (a: Action, host = "ctrl1") => actionDisruption(a, host, ctx).cls;

function inventory(site: string): Build {
  const file = `inventories/${site}.yaml`;
  const r = compile(readFileSync(join(ROOT, file), "utf8"), file, { site, source: file });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.build;
}

describe("each kind of action is rated by what it does", () => {
  it("files, netplan and units", () => {
    expect(cls({ kind: "install", dest: "/etc/x", mode: 0o644, src: "x" })).toBe("none");
    expect(cls(netplan("generate"))).toBe("none");
    expect(cls(netplan("apply"))).toBe("session");
    expect(cls(unitOp("enable", "x.service"))).toBe("none");
    expect(cls(unitOp("reload", "x.service"))).toBe("reload");
    expect(cls(unitOp("enable", "x.service", { now: true, serves: { kind: "daemon", what: "DNS" } }))).toBe("service");
    expect(cls(unitOp("restart", "k.service", { serves: { kind: "vrrp", router: "vr", vips: ["192.168.0.2"] } }))).toBe("vip");
    expect(cls(unitOp("disable", "k.service", { now: true, serves: { kind: "vrrp", router: "vr", vips: ["192.168.0.2"] } }))).toBe("vip");
    const gw: UnitServes = { kind: "gateway", link: "virbr1.104", addresses: ["10.12.8.1"] };
    expect(cls(unitOp("disable", "gw.service", { now: true, serves: gw }))).toBe("gateway");
    expect(cls(unitOp("enable", "gw.service", { now: true, serves: gw }))).toBe("link");
    expect(cls(unitOp("disable", "boot.service", { now: true, serves: { kind: "replay", what: "x" } }))).toBe("none");
  });

  it("network operations, by the site's VIPs, management links, gateways and routers", () => {
    expect(cls({ kind: "vlan-add", link: "br-ex.5", parent: "br-ex", vid: 5 })).toBe("additive");
    expect(cls({ kind: "netns-add", ns: "vrouter" })).toBe("additive");
    // ctrl1 is a keepalived member: its namespace and legs may hold the VIPs
    expect(cls({ kind: "netns-del", ns: "vrouter" })).toBe("vip");
    expect(cls({ kind: "netns-del", ns: "other" })).toBe("link");
    expect(cls({ kind: "link-del", link: "vr-mgmt-p" })).toBe("vip");
    expect(cls({ kind: "link-del", link: "unrelated0" })).toBe("link");
    expect(cls({ kind: "route-replace", ns: "vrouter", via: "172.16.0.1", dev: "vr-ex" })).toBe("default-route");
    expect(cls({ kind: "addr-replace", ns: "vrouter", link: "vr-mgmt", cidr: "192.168.0.2/24", family: 4 })).toBe("vip");
    expect(cls({ kind: "addr-replace", link: "other", cidr: "10.1.0.1/24", family: 4 })).toBe("additive");
    expect(cls({ kind: "nft-table", ns: "vrouter", table: "t", ruleset: "table inet t {\n}\n" })).toBe("additive");
    expect(cls({ kind: "nft-table-del", ns: "vrouter", table: "t" })).toBe("link");
    expect(cls({ kind: "iptables-del", ns: "vrouter", table: "nat", chain: "POSTROUTING", rule: ["-j", "SNAT"] })).toBe("link");
    // a program sitegen ships states what it does; nothing reads its words
    expect(cls(program(["python3", "takeover.py", "take-live"], { cls: "session", why: "default route" }))).toBe("session");
    expect(cls({ kind: "cluster", op: "create", router: "vr", script: "/etc/sitegen/vr/pacemaker.sh", resource: "vr-router", vips: ["10.0.0.2"] })).toBe("vip");
  });

  it("a gateway link's deletion removes the gateway; on the jumphost's management bridge an address can cut the session", () => {
    const j = inventory("jumphost");
    const jctx = disruptionContext(j.site);
    const g = j.site.hosts[0]!.gateways[0]!;
    expect(actionDisruption({ kind: "link-del", link: g.ifname }, j.site.hosts[0]!.name, jctx).cls).toBe("gateway");
  });
});

/** [step id pattern, apply, inverse, why] per target, from what the step does to a live host. */
type Pin = [RegExp, string, string, string];
const PINS: Pin[] = [
  [/^runtime-/, "additive", "gateway", "a new VLAN link nothing uses yet; its deletion takes the gateway away"],
  // libvirt re-reads its configuration on SIGHUP (networks and bridges stay); a hook that is gone is simply not run
  [/^persist-libvirt-/, "reload", "none", "installs the network hook and target and reloads whichever libvirt daemon runs; removing them changes nothing live"],
  [/^persist-.*\.service$/, "link", "gateway", "the unit's start re-creates the link (ExecStartPre deletes a stale one); disable --now deletes it"],
  [/^persist-.*netplan|^netplan-/, "session", "session", "netplan apply re-applies every interface netplan has, the management one too"],
  [/^vrouter-.*-netns$/, "additive", "vip|gateway", "a new namespace; deleting it takes the router's legs, and with them the VIPs it may hold"],
  [/^vrouter-.*-(management|public)-leg$/, "link|vip", "vip|gateway", "a port joins a bridge (a static VIP arrives with it); its deletion takes the VIPs"],
  [/^vrouter-.*-route$/, "default-route", "default-route", "the namespace's default route"],
  [/^vrouter-.*-filter$/, "additive", "link", "a filter in one transaction (or rule by rule) before traffic; its removal interrupts forwarding"],
  [/^vrouter-.*-boot$/, "additive", "none", "the boot unit replays steps that hold; it has no stop"],
  [/^vrouter-.*-keepalived$/, "vip", "vip", "(re)starting or stopping a member's VRRP instance moves the VIPs"],
  [/^vrouter-.*-pacemaker$/, "vip", "vip", "creating or deleting the cluster resources places or stops the VIPs"],
  [/^vrouter-.*-(dnsmasq|chrony|ntpd|conntrackd)$/, "service|none", "service|none", "a daemon restarted or stopped (none: Pacemaker starts it)"],
  [/^vrouter-.*-cluster-units$/, "none", "none", "unit files Pacemaker starts: installed, never started by the step"],
  [/^vrouter-.*-node$/, "session", "session", "the node's own default route is taken over and given back"],
];

function pinned(b: Build) {
  const c = disruptionContext(b.site);
  return b.plan.steps.map((s) => {
    const pin = PINS.find(([re]) => re.test(s.id));
    const d = stepDisruption(s, c);
    return {
      id: `${s.host}/${s.id}`,
      pin: pin?.[0].source,
      apply: d.apply.cls,
      inverse: d.inverse.cls,
      ok: !!pin && new RegExp(`^(${pin[1]})$`).test(d.apply.cls) && new RegExp(`^(${pin[2]})$`).test(d.inverse.cls),
    };
  });
}

describe("every target's steps are rated as pinned, applied and undone", () => {
  const sites: Array<[string, () => Build]> = [
    ["jumphost", () => inventory("jumphost")],
    ["roosevelt", () => inventory("roosevelt")],
    ["fuel-env", () => fuel],
    ...readdirSync(join(ROOT, "test/cases/golden"))
      .sort()
      .map((g): [string, () => Build] => [g, () => buildGolden(g)]),
  ];
  it.each(sites)("%s", (_, build) => {
    const rows = pinned(build());
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });

  it("the pins say exactly what the seeds' key steps do", () => {
    const byId = (b: Build, host: string, id: string) =>
      stepDisruption(
        b.plan.steps.find((s) => s.host === host && s.id === id)!,
        disruptionContext(b.site),
      );
    const j = inventory("jumphost");
    const h = j.site.hosts[0]!.name;
    // host.sh rollback persist: disable --now (ExecStop deletes virbr1.104) and ip link del: the gateway is gone
    expect(byId(j, h, "persist-provider-vip-gw.service").inverse.cls).toBe("gateway");
    expect(byId(j, h, "runtime-virbr1.104").inverse.why).toContain("10.12.8.1");
    // the hook's install reloads libvirtd or virtnetworkd (whichever is active), nothing is restarted
    expect(byId(j, h, "persist-libvirt-1_provider").apply).toEqual({ cls: "reload", why: "reload libvirtd.service" });
    // a keepalived member's restart moves the VIPs; the non-ha single router's legs carry its VIPs (the nodes' gateway)
    expect(byId(fuel, "ctrl1", "vrouter-vrouter-keepalived").apply.cls).toBe("vip");
    const single = buildGolden("vrouter-single");
    const holder = single.site.vrouters[0]!.members.find((m) => m.holdsVips)!.host;
    expect(byId(single, holder, "vrouter-vrouter-netns").inverse.cls).toBe("gateway");
  });

  it("a host is rated by its worst step, each way", () => {
    const steps = fuel.plan.steps.filter((s) => s.host === "ctrl1");
    const d = worstOf(steps.map((s) => stepDisruption(s, ctx)));
    // the namespace's default route outranks the VIPs moving
    expect(d.apply.cls).toBe("default-route");
    expect(d.inverse.cls).toBe("default-route");
    expect(worstOf([]).apply.cls).toBe("none");
  });
});

describe("the node takeover", () => {
  it("a live node takeover can cut the node's session, applied and given back (REVIEW.md recommends a confirm window)", () => {
    const b = buildFuelEnv(fuelEnvText().replace(/(- name: cmp1[\s\S]*?owner: )netplan/, "$1unmanaged"));
    const node = b.plan.steps.find((s) => s.host === "cmp1" && s.phase === "nodes")!;
    const d = stepDisruption(node, disruptionContext(b.site));
    expect(d.apply.cls).toBe("session");
    expect(d.inverse.cls).toBe("session");
  });

  it("recommends at least netplan try's 120 s, more for long plans", () => {
    expect(recommendedWindow(2)).toBe(120);
    expect(recommendedWindow(30)).toBe(210);
  });
});
