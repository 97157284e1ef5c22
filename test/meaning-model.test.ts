// Fast, in-process tests of meanings that only goldens or namespace tests held before (mutation testing
// found them: README, "Mutation testing"): address boundaries, interface names, what 'auto' and the
// defaults give a router, the lock's entries. meaning-plan.test.ts holds the plan's and the output's.
import { describe, expect, it } from "vitest";
import { parseLock } from "../src/alloc/lock.js";
import { check, type Build } from "../src/compile.js";
import { hostSpan, multicastProblem, parseAddress, parseCidr, reservedRole, type Cidr } from "../src/net/cidr.js";
import { withHa } from "../src/resolve/vrouter.js";
import { conntrackdConfText } from "../src/targets/conntrackd/index.js";
import { shorten } from "../src/validate/names.js";
import { buildFuelEnv, buildGolden, FUEL_ENV, fuelEnvLock, fuelEnvOpts } from "./helpers/compile.js";
import { fuelEnvText, variantText, withoutHa } from "./helpers/variant.js";

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
    const d = check(text, FUEL_ENV, fuelEnvOpts);
    expect(d.map((x) => [x.code, x.message])).toEqual([["vrouter-sync-not-multicast",
      "sync group 224.0.0.0 is in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)"]]);
  });
});

describe("interface names", () => {
  const diags = (text: string) => check(text, FUEL_ENV, fuelEnvOpts).map((d) => [d.line, d.col, d.code, d.message]);
  const longLink = (text: string) => text.replace("link: vr-mgmt }", "link: vr-management1 }");

  it("a too long veth peer name is reported at the name that makes it: the link for the default peer, else the peer", () => {
    expect(diags(longLink(fuelEnvText()))).toEqual([[84, 57, "ifname-too-long",
      "the default veth peer name of link 'vr-management1' (<link>-p) 'vr-management1-p' is 16 characters; Linux allows 15 (IFNAMSIZ)"]]);
    expect(diags(fuelEnvText().replace("link: vr-mgmt }", "link: vr-mgmt, peer: vr-mgmt-peer-end }"))).toEqual([[84, 72, "ifname-too-long",
      "veth peer name 'vr-mgmt-peer-end' is 16 characters; Linux allows 15 (IFNAMSIZ)"]]);
  });

  it("a suggested shorter name takes letters from the first of equally long words", () => {
    expect(shorten("abcd-efgh", 8)).toBe("abc-efgh");
    expect(shorten("alpha-bravo", 9)).toBe("alph-brv");
  });

  it("on Open vSwitch bridges a leg has no veth peer, so its default peer name may be long", () => {
    expect(diags(longLink(variantText()))).toEqual([]);
  });
});

describe("gateway persistence", () => {
  it("auto says why: netplan's own definition on a netplan bridge, else a systemd oneshot after the owner", () => {
    const reasons = (b: Build) => b.site.hosts.flatMap((h) => h.gateways.map((g) => g.persistenceReason.split(",")[0]));
    expect(reasons(buildGolden("jumphost-netplan"))).toEqual(["auto: netplan owns br-prov"]);
    expect([...new Set(reasons(buildGolden("dual-stack-vlan")))].sort()).toEqual(["auto: br0 is owned by systemd-networkd", "auto: netplan owns br1"]);
  });
});

describe("router defaults", () => {
  it("the sync mode defaults to FTFW for two members and NOTRACK for three", () => {
    const three = buildFuelEnv(fuelEnvText()).site.vrouters[0]!;
    const two = buildFuelEnv(twoMembers(fuelEnvText()), false).site.vrouters[0]!;
    expect(two.members).toHaveLength(2);
    expect(withHa(three) && three.ha.sync.mode).toBe("notrack");
    expect(withHa(two) && two.ha.sync.mode).toBe("ftfw");
  });

  it("auto member addresses skip a VIP written out on the same network", () => {
    const text = fuelEnvText().replace("management: { network: management, vip: auto", "management: { network: management, vip: 192.168.0.3");
    expect(buildFuelEnv(text, false).site.vrouters[0]!.members.map((m) => m.address)).toEqual(["192.168.0.2", "192.168.0.4", "192.168.0.5"]);
  });

  it("a member may go without an address when the router has no ha; the others still get theirs", () => {
    const text = withoutHa(fuelEnvText()).replace("{ host: ctrl3, address: auto }", "{ host: ctrl3 }");
    expect(buildFuelEnv(text, false).site.vrouters[0]!.members.map((m) => m.address)).toEqual(["192.168.0.3", "192.168.0.4", undefined]);
  });

  it("a lock entry needs both its value and a whole generation", () => {
    const errors = (ctrl1: string) => parseLock(fuelEnvLock.text.replace("ctrl1: { address: 192.168.0.3, generation: 1 }", `ctrl1: ${ctrl1}`),
      fuelEnvLock.file, "fuel-env").errors.map((d) => [d.line, d.message]);
    const bad = [[11, "each entry is { address: ..., generation: N }"]];
    expect(errors("{ address: 192.168.0.3, generation: 1 }")).toEqual([]);
    expect(errors("192.168.0.3")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3 }")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3, generation: 1.5 }")).toEqual(bad);
    expect(errors("{ generation: 1 }")).toEqual(bad);
  });

  it("each member's conntrackd.conf names the other members as its peers", () => {
    const b = buildFuelEnv(fuelEnvText());
    const v = b.site.vrouters[0]!;
    if (!withHa(v)) throw new Error("fuel-env's router has ha");
    const peers = v.members.map((m) => conntrackdConfText(b.site, v, m).match(/with the other members \(([^)]*)\)/)?.[1]);
    expect(peers).toEqual(["ctrl2, ctrl3", "ctrl1, ctrl3", "ctrl1, ctrl2"]);
    expect(conntrackdConfText(b.site, v, v.members[0]!)).toContain("Started by sitegen-vrouter-conntrackd.service; keepalived's notify script");
  });
});
