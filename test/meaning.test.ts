// Fast, in-process tests of meanings that only goldens or namespace tests held before (mutation
// testing found them: README, "Mutation testing"): address boundaries, router defaults, the audit's
// tool list, inverses that may fail, the boot unit's ordering, handler naming.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseLock } from "../src/alloc/lock.js";
import { handlerPositions } from "../src/bundles/ansible-units.js";
import { check, compile, type Build } from "../src/compile.js";
import { OutputError, outputError } from "../src/emit/leftovers.js";
import { writeSite } from "../src/emit/write.js";
import { hostSpan, multicastProblem, parseAddress, parseCidr, reservedRole, type Cidr } from "../src/net/cidr.js";
import { cmd, daemonReload, unitOp, type Action } from "../src/plan/actions.js";
import { conntrackdConfText } from "../src/targets/conntrackd/index.js";
import { namespaceUnits } from "../src/targets/vrouter-boot/index.js";
import { withHa } from "../src/resolve/vrouter.js";
import { ROOT } from "./helpers/gen.js";
import { fuelEnvText, variantText } from "./helpers/variant.js";

const FILE = "inventories/fuel-env.yaml";
const lock = { text: readFileSync(join(ROOT, "inventories/fuel-env.lock.yaml"), "utf8"), file: "inventories/fuel-env.lock.yaml" };

function build(text: string, withLock = true): Build {
  const r = compile(text, FILE, { site: "fuel-env", source: FILE, ...(withLock ? { lock } : {}) });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.build;
}
const net = (text: string): Cidr => (parseCidr(text) as { ok: Cidr }).ok;
const addr = (text: string) => parseAddress(text)!;
/** fuel-env with its third controller left out of the router. */
const twoMembers = (text: string) => text.replace(/^ {6}- \{ host: ctrl3, address: auto, priority: 90 \}\n/m, "");

describe("address boundaries", () => {
  it("both addresses of an IPv4 /31 are assignable (RFC 3021), a /30's ends are not", () => {
    expect(reservedRole(net("10.0.0.0/31"), addr("10.0.0.0"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.0/31"), addr("10.0.0.1"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.4/32"), addr("10.0.0.4"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.0/30"), addr("10.0.0.0"))).toBe("the network address");
    expect(reservedRole(net("10.0.0.0/30"), addr("10.0.0.3"))).toBe("the broadcast address");
    expect(hostSpan(net("10.0.0.0/31"))).toBe("10.0.0.0 and 10.0.0.1");
    expect(hostSpan(net("10.0.0.0/30"))).toBe("10.0.0.1 and 10.0.0.2");
  });

  it("multicast: 224.0.0.0 and 224.0.0.255 are the control block, 225.0.0.0 to 239.255.255.255 are groups, the rest is not multicast", () => {
    const block = "in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)";
    const not = "not an IPv4 multicast address (224.0.0.0/4)";
    expect(multicastProblem(addr("224.0.0.0"))).toBe(block);
    expect(multicastProblem(addr("224.0.0.255"))).toBe(block);
    expect(multicastProblem(addr("224.0.1.0"))).toBeUndefined();
    expect(multicastProblem(addr("239.255.255.255"))).toBeUndefined();
    expect(multicastProblem(addr("223.255.255.255"))).toBe(not);
    expect(multicastProblem(addr("240.0.0.0"))).toBe(not);
  });

  it("the validator names 224.0.0.0 as in the control block, not as outside multicast", () => {
    const text = fuelEnvText().replace("sync: { group: 225.0.0.50", "sync: { group: 224.0.0.0");
    const d = check(text, FILE, { site: "fuel-env", source: FILE, lock });
    expect(d.map((x) => [x.code, x.message])).toEqual([["vrouter-sync-not-multicast",
      "sync group 224.0.0.0 is in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)"]]);
  });
});

/** A golden case's site, compiled in process. */
function golden(name: string): Build {
  const file = `test/cases/golden/${name}/${name}.yaml`;
  const r = compile(readFileSync(join(ROOT, file), "utf8"), file, { site: name, source: file });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.build;
}

describe("dual stack", () => {
  it("a network's cidr6 is resolved beside its IPv4 cidr, and its gateway holds both addresses", () => {
    const b = golden("dual-stack-vlan");
    const v6 = b.site.networks.map((n) => [n.cidr, n.v6?.cidr]);
    expect(v6).toContainEqual(["198.51.100.0/24", "2001:db8:300::/64"]);
    expect(v6.every(([, c]) => c !== undefined)).toBe(true);
    const added = b.plan.steps.filter((st) => st.host === "gw1").flatMap((st) => st.apply)
      .flatMap((a) => (a.kind === "cmd" && a.argv.includes("addr") ? a.argv.filter((w) => typeof w === "string" && w.includes("/")) : []));
    expect(added).toEqual(expect.arrayContaining(["198.51.100.1/24", "2001:db8:300::1/64"]));
  });
});

describe("interface names", () => {
  const diags = (text: string) => check(text, FILE, { site: "fuel-env", source: FILE, lock }).map((d) => [d.line, d.col, d.code, d.message]);
  const longLink = (text: string) => text.replace("link: vr-mgmt }", "link: vr-management1 }");

  it("a too long veth peer name is reported at the name that makes it: the link for the default peer, else the peer", () => {
    expect(diags(longLink(fuelEnvText()))).toEqual([[84, 57, "ifname-too-long",
      "the default veth peer name of link 'vr-management1' (<link>-p) 'vr-management1-p' is 16 characters; Linux allows 15 (IFNAMSIZ)"]]);
    expect(diags(fuelEnvText().replace("link: vr-mgmt }", "link: vr-mgmt, peer: vr-mgmt-peer-end }"))).toEqual([[84, 72, "ifname-too-long",
      "veth peer name 'vr-mgmt-peer-end' is 16 characters; Linux allows 15 (IFNAMSIZ)"]]);
  });

  it("on Open vSwitch bridges a leg has no veth peer, so its default peer name may be long", () => {
    expect(diags(longLink(variantText()))).toEqual([]);
  });
});

describe("router defaults", () => {
  it("the sync mode defaults to FTFW for two members and NOTRACK for three", () => {
    const three = build(fuelEnvText()).site.vrouters[0]!;
    const two = build(twoMembers(fuelEnvText()), false).site.vrouters[0]!;
    expect(two.members).toHaveLength(2);
    expect(withHa(three) && three.ha.sync.mode).toBe("notrack");
    expect(withHa(two) && two.ha.sync.mode).toBe("ftfw");
  });

  it("auto member addresses skip a VIP written out on the same network", () => {
    const text = fuelEnvText().replace("management: { network: management, vip: auto", "management: { network: management, vip: 192.168.0.3");
    expect(build(text, false).site.vrouters[0]!.members.map((m) => m.address)).toEqual(["192.168.0.2", "192.168.0.4", "192.168.0.5"]);
  });

  it("a lock entry needs both its value and a whole generation", () => {
    const errors = (ctrl1: string) => parseLock(lock.text.replace("ctrl1: { address: 192.168.0.3, generation: 1 }", `ctrl1: ${ctrl1}`),
      lock.file, "fuel-env").errors.map((d) => [d.line, d.message]);
    const bad = [[11, "each entry is { address: ..., generation: N }"]];
    expect(errors("{ address: 192.168.0.3, generation: 1 }")).toEqual([]);
    expect(errors("192.168.0.3")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3 }")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3, generation: 1.5 }")).toEqual(bad);
    expect(errors("{ generation: 1 }")).toEqual(bad);
  });

  it("each member's conntrackd.conf names the other members as its peers", () => {
    const b = build(fuelEnvText());
    const v = b.site.vrouters[0]!;
    if (!withHa(v)) throw new Error("fuel-env's router has ha");
    const peers = v.members.map((m) => conntrackdConfText(b.site, v, m).match(/with the other members \(([^)]*)\)/)?.[1]);
    expect(peers).toEqual(["ctrl2, ctrl3", "ctrl1, ctrl3", "ctrl1, ctrl2"]);
  });
});

describe("the router's plan", () => {
  const gateTools = (b: Build) => b.plan.gates.filter((g) => g.kind === "tools-present" && g.host === "ctrl1").map((g) => g.params);

  it("the audit checks the programs the router runs: nft or iptables, chronyd or ntpd, ovs-vsctl on OVS", () => {
    expect(gateTools(build(fuelEnvText()))).toEqual([{ tools: ["ip", "arping", "nft", "dnsmasq", "chronyd", "keepalived", "conntrackd", "tcpdump"] }]);
    const variant = ["ip", "arping", "iptables", "dnsmasq", "ntpd", "ovs-vsctl", "keepalived", "conntrackd", "tcpdump"];
    expect(gateTools(build(variantText()))).toEqual([{ tools: variant }]);
  });

  it("undoing the default route may fail (the namespace or leg is already gone), adding it may not", () => {
    const steps = build(fuelEnvText()).plan.steps.filter((s) => s.id === "vrouter-vrouter-route");
    expect(steps.map((s) => s.host)).toEqual(["ctrl1", "ctrl2", "ctrl3"]);
    for (const s of steps) {
      expect(s.inverse).toHaveLength(1);
      expect(s.inverse[0]).toMatchObject({ kind: "cmd", mayFail: true });
      expect(s.apply[0]).not.toHaveProperty("mayFail");
    }
  });

  it("a member's own address goes on its management leg only; with ha no leg step adds a VIP", () => {
    const b = build(fuelEnvText());
    const added = (id: string, host: string) => b.plan.steps.find((s) => s.id === id && s.host === host)!.apply
      .flatMap((a) => (a.kind === "cmd" && a.argv.includes("addr") ? [a.argv[5]] : []));
    for (const m of b.site.vrouters[0]!.members) {
      expect(added("vrouter-vrouter-management-leg", m.host)).toEqual([`${m.address}/24`]);
      expect(added("vrouter-vrouter-public-leg", m.host)).toEqual([]);
    }
  });

  it("undoing the boot unit disables it only where it is installed (a half-applied host undoes cleanly)", () => {
    const steps = build(fuelEnvText()).plan.steps.filter((s) => s.id === "vrouter-vrouter-boot");
    expect(steps).toHaveLength(3);
    for (const s of steps) {
      expect(s.inverse[0]).toEqual({ kind: "unit", verb: "disable", unit: "sitegen-vrouter-boot.service", now: true, onlyIfInstalled: true });
    }
  });

  it("the boot unit starts before every daemon in the namespace: keepalived's, or Pacemaker", () => {
    const ka = build(fuelEnvText()).site.vrouters[0]!;
    expect(namespaceUnits(ka)).toEqual(["sitegen-vrouter-dnsmasq.service", "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service", "sitegen-vrouter-keepalived.service"]);
    const pm = build(fuelEnvText().replace("manager: keepalived", "manager: pacemaker")
      .replace(/^ {6}(virtual_router_id|auth_vault_var): .*\n/gm, "").replace(/^ {6}#.*\n/gm, ""), false).site.vrouters[0]!;
    expect(namespaceUnits(pm)).toEqual(["sitegen-vrouter-dnsmasq.service", "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service", "pacemaker.service"]);
  });
});

describe("Ansible handlers", () => {
  const install: Action = { kind: "install", dest: "/etc/x.conf", mode: 0o644 };
  const remove: Action = { kind: "remove", dest: "/etc/x.conf" };
  const secret: Action = { kind: "secret", dest: "/etc/x.conf", name: "v", prefix: "p", pattern: "x", why: "w" };

  it("a reload or restart after a file change of the same list is a handler, named for what it does", () => {
    expect(handlerPositions([install, unitOp("reload", "a.service")])).toEqual([undefined, "Reload a.service"]);
    expect(handlerPositions([remove, unitOp("restart", "a.service")])).toEqual([undefined, "Restart a.service"]);
    expect(handlerPositions([secret, daemonReload])).toEqual([undefined, "Reload the systemd manager configuration"]);
  });

  it("nothing else is: no file change before it, a command before it, an enable, a restart --now or one guarded on the unit", () => {
    expect(handlerPositions([unitOp("restart", "a.service"), install])).toEqual([undefined, undefined]);
    expect(handlerPositions([cmd(["true"]), unitOp("restart", "a.service")])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("enable", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("restart", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("reload", "a.service", { onlyIfInstalled: true })])).toEqual([undefined, undefined]);
  });
});

describe("the output folder", () => {
  afterEach(() => { vi.restoreAllMocks(); delete process.env.SITEGEN_FAULT; });

  it("an error that is not a failed system call passes through, not blamed on the --out folder", () => {
    const bug = Object.assign(new TypeError("bad argument"), { code: "ERR_INVALID_ARG_TYPE" });
    expect(outputError(bug, "/o", "/o/s")).toBe(bug);
    const full = Object.assign(new Error("no space"), { code: "ENOSPC", syscall: "write", path: "/o/s.tmp/x" });
    const e = outputError(full, "/o", "/o/s");
    expect(e).toBeInstanceOf(OutputError);
    expect((e as Error).message).toBe("cannot write /o/s: no space left on the device holding /o; free some space and run gen again (ENOSPC); "
      + "nothing was written to /o/s");
  });

  it("the tree-half-written fault kills gen after half the files (write-atomic.test.ts kills it there)", () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-meaning-"));
    try {
      process.env.SITEGEN_FAULT = "tree-half-written";
      let written: string[][] = [];
      // what is on disk at the instant of the kill: the half-written working tree, nothing else
      vi.spyOn(process, "kill").mockImplementation(() => {
        written = readdirSync(out).map((d) => [d.replace(/-\d+-\d+$/, ""), ...readdirSync(join(out, d)).sort()]);
        throw new Error("killed");
      });
      const files = ["a", "b", "c", "d", "e", "f"].map((n) => ({ path: `${n}.txt`, content: `${n}\n`, mode: 0o644 as const }));
      expect(() => writeSite(out, "s", files)).toThrow("killed");
      expect(written).toEqual([[".s.tmp", "a.txt", "b.txt", "c.txt", "d.txt"]]);
    } finally { rmSync(out, { recursive: true, force: true }); }
  });
});

describe("REVIEW.md", () => {
  it("a site of two hosts or more gets a runbook per host; a one-host site's runbook is REVIEW.md itself", () => {
    const runbooks = (b: Build) => b.files.filter((f) => /^hosts\/[^/]+\/REVIEW\.md$/.test(f.path)).length;
    expect(runbooks(golden("vrouter-single"))).toBe(2);
    expect(runbooks(golden("dual-stack-vlan"))).toBe(3);
    expect(runbooks(golden("jumphost-netplan"))).toBe(0);
  });
});
