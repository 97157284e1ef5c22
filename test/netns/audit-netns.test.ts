// The generated audit scripts run for real inside a network namespace holding a bridge named like the
// site's. This kernel has bridges but no 8021q (and no bridge VLAN filtering): the audit reports what
// it finds. libvirt cannot run here, so `virsh` is a recorded test double on PATH that prints what
// `virsh net-info` / `net-dumpxml` print on a libvirt host; the guest-kernel suite uses the real one.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const JUMP = join(ROOT, "out/jumphost/hosts/jumphost");
const RSV = join(ROOT, "out/roosevelt/hosts/rsv-rack1");
let tmp: string;
let ns: Netns;

function fakeVirsh(autostart: "yes" | "no", known = true): string {
  const bin = join(tmp, `bin-${autostart}-${known}`);
  mkdirSync(bin, { recursive: true });
  const info = `Name:           1_provider\nUUID:           0f6c3f34-8f3b-4c1e-9d55-1c7a44a0c001\nActive:         yes\nPersistent:     yes\nAutostart:      ${autostart}\nBridge:         virbr1\n`;
  const xml = `<network>\n  <name>1_provider</name>\n  <forward mode='nat'>\n    <nat><port start='1024' end='65535'/></nat>\n  </forward>\n  <bridge name='virbr1' stp='on' delay='0'/>\n  <ip address='10.12.4.1' netmask='255.255.252.0'/>\n</network>\n`;
  writeFileSync(join(bin, "virsh"), known
    ? `#!/bin/sh\ncase "$1 $2" in\n"net-info 1_provider") printf '%s' '${info}';;\n"net-dumpxml 1_provider") printf '%s' "${xml.replace(/"/g, '\\"')}";;\n*) echo "error: failed to get network '$2'" >&2; exit 1;;\nesac\n`
    : `#!/bin/sh\necho "error: failed to get network '$2'" >&2\necho "error: Network not found: no network with matching name '$2'" >&2\nexit 1\n`);
  chmodSync(join(bin, "virsh"), 0o755);
  return bin;
}

function audit(dir: string, bin: string, root = join(tmp, "root")) {
  return ns.sh(`bash ${dir}/audit.sh`, { PATH: `${bin}:${process.env.PATH}`, SITEGEN_ROOT: root });
}
const lines = (out: string, prefix: string) => out.split("\n").filter((l) => l.startsWith(prefix));

beforeAll(() => { requireRootNetns(); tmp = tempDir("audit"); mkdirSync(join(tmp, "root/etc/netplan"), { recursive: true }); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  ns = new Netns("audit");
  // no duplicate address detection: the bridge's link-local address would otherwise turn from
  // tentative to final while an audit runs, and "changes nothing" would see the kernel's own change
  ns.sh("echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad");
  ns.ip("link add virbr1 type bridge");
  ns.ip("link set virbr1 up");
  ns.sh("echo 1 > /proc/sys/net/ipv4/ip_forward");
  writeFileSync(join(tmp, "root/etc/netplan/01-netcfg.yaml"), "network:\n  version: 2\n  ethernets:\n    eth0: { dhcp4: true }\n");
});
afterEach(() => ns.delete());

describe("jumphost audit in a network namespace", () => {
  it("passes on a prepared host, decides systemd, and changes nothing", () => {
    const before = ns.state();
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lines(r.stdout, "PASS").map((l) => l.split(":")[0])).toEqual([
      "PASS G1 virbr1", "PASS G2 net.ipv4.ip_forward = 1", "PASS G3 virbr1", "PASS G4 1_provider", "PASS G5 virbr1", "PASS G6 virbr1.104",
      "PASS G8 provider-vip-gw.service",
    ].map((s) => s.split(":")[0]));
    expect(lines(r.stdout, "WARN")).toEqual([]);
    expect(lines(r.stdout, "STOP")).toEqual([]);
    expect(r.stdout).toContain("PASS G4 1_provider: active, autostart, bridge virbr1, forward mode nat");
    expect(r.stdout).toContain("PASS G8 provider-vip-gw.service: free: no unit by that name");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("decision: persistence=systemd link=virbr1.104");
    expect(ns.state()).toBe(before);
  });

  it("warns but proceeds when the libvirt network is not autostart", () => {
    const r = audit(JUMP, fakeVirsh("no"));
    expect(r.code).toBe(0);
    expect(lines(r.stdout, "WARN")).toEqual([
      "WARN G4 1_provider: autostart is not set: enable it (virsh net-autostart 1_provider) so virbr1 exists at boot before the gateway unit runs",
    ]);
  });

  it("stops when the host does not forward (G2)", () => {
    ns.sh("echo 0 > /proc/sys/net/ipv4/ip_forward");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual([
      "STOP G2 net.ipv4.ip_forward = 0, expected 1: enable it persistently (sysctl.d) before routing through this host",
    ]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("decision: stop");
  });

  it("stops when the bridge is missing (G3)", () => {
    ns.ip("link del virbr1");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toContain("STOP G3 virbr1: no bridge by that name on this host; the inventory expects one");
  });

  it("stops when the bridge is down: a VLAN cannot come up on it (G3)", () => {
    ns.ip("link set virbr1 down");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual(["STOP G3 virbr1: is down: a VLAN cannot come up on it; bring it up (or start its owner) first"]);
  });

  it("stops when libvirt does not know the network (G4)", () => {
    const r = audit(JUMP, fakeVirsh("yes", false));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")[0]).toMatch(/^STOP G4 1_provider: libvirt has no network by that name: error: failed to get network '1_provider'/);
  });

  it("stops when netplan also manages the libvirt bridge (G5)", () => {
    writeFileSync(join(tmp, "root/etc/netplan/01-netcfg.yaml"), "network:\n  version: 2\n  bridges:\n    virbr1: { addresses: [10.12.4.1/22] }\n");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("netplan defines virbr1: bridges");
    expect(lines(r.stdout, "STOP")).toEqual([
      "STOP G5 virbr1: netplan defines it (bridges), but the inventory says libvirt owns it; two managers would fight: set owner: netplan and regenerate",
    ]);
  });

  it("stops when another device already holds the gateway address (G6)", () => {
    ns.ip("addr add 10.12.8.1/22 dev virbr1");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual(["STOP G6 10.12.8.1: already held by virbr1: two gateways would answer for it"]);
  });
});

describe("runtime apply on a kernel without 8021q", () => {
  it("fails loudly, rolls back its checkpoint, and leaves the prior state", () => {
    const before = ns.state();
    const r = ns.sh(`bash ${JUMP}/apply.sh runtime`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("== step 1/2 (runtime): create virbr1.104 (VLAN 104 on virbr1) with 10.12.8.1/22 and bring it up");
    expect(r.stdout).toContain("!! apply failed");
    expect(r.stdout).toContain("!! rolling back: inverses of 1 step(s), newest first");
    expect(ns.state()).toBe(before);
  });

  it("rollback when nothing was applied is safe and changes nothing", () => {
    const before = ns.state();
    const r = ns.sh(`bash ${JUMP}/rollback.sh runtime`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("== rolled back: 1 step(s)");
    expect(ns.state()).toBe(before);
  });
});

describe("roosevelt audit (router-held gateways)", () => {
  beforeEach(() => { ns.ip("link add br-provider type bridge"); });
  it("passes when neither router address is on this host", () => {
    const r = audit(RSV, fakeVirsh("yes"));
    expect(r.code, r.stdout).toBe(0);
    expect(lines(r.stdout, "PASS")).toEqual([
      "PASS G7 10.12.4.1: not on this host; held by rsv-core SVI Vlan100",
      "PASS G7 10.12.8.1: not on this host; held by rsv-core SVI Vlan104",
    ]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("decision: proceed");
  });
  it("stops when this host holds the router's address", () => {
    ns.ip("addr add 10.12.8.1/22 dev br-provider");
    const r = audit(RSV, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual(["STOP G7 10.12.8.1: is on br-provider, but it belongs to rsv-core SVI Vlan104"]);
  });
});
