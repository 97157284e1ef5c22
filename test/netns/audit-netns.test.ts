// The generated audit scripts run for real inside a network namespace holding a bridge named like the
// site's. This kernel has bridges but no 8021q (and no bridge VLAN filtering): the audit reports what
// it finds. libvirt cannot run here, so `virsh` is a recorded test double on PATH that prints what
// `virsh net-info` / `net-dumpxml` print on a libvirt host; the guest-kernel suite uses the real one.
import { appendFileSync, chmodSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HOST_SH, ROOT, hostCmd } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const JUMP = join(ROOT, "out/jumphost/hosts/jumphost");
const RSV = join(ROOT, "out/roosevelt/hosts/rsv-rack1");
let tmp: string;
let ns: Netns;

/** What the host runs: the libvirt daemons that are active (and enabled), libvirt's and systemd's versions. */
interface HostSoftware {
  daemons: string[];
  libvirt: string;
  systemd: string;
}
const DEBIAN12: HostSoftware = { daemons: ["libvirtd"], libvirt: "9.0.0", systemd: "252 (252.39-1~deb12u1)" };

function fakeVirsh(autostart: "yes" | "no", known = true, sw: HostSoftware = DEBIAN12): string {
  const bin = join(tmp, `bin-${autostart}-${known}-${sw.daemons.join("+")}-${sw.libvirt}-${sw.systemd.split(" ")[0]}`);
  mkdirSync(bin, { recursive: true });
  const info = `Name:           1_provider\nUUID:           0f6c3f34-8f3b-4c1e-9d55-1c7a44a0c001\nActive:         yes\nPersistent:     yes\nAutostart:      ${autostart}\nBridge:         virbr1\n`;
  const xml = `<network>\n  <name>1_provider</name>\n  <forward mode='nat'>\n    <nat><port start='1024' end='65535'/></nat>\n  </forward>\n  <bridge name='virbr1' stp='on' delay='0'/>\n  <ip address='10.12.4.1' netmask='255.255.252.0'/>\n</network>\n`;
  writeFileSync(
    join(bin, "virsh"),
    known
      ? `#!/bin/sh\ncase "$1 $2" in\n"--version "*) echo ${sw.libvirt};;\n"net-info 1_provider") printf '%s' '${info}';;\n"net-dumpxml 1_provider") printf '%s' "${xml.replace(/"/g, '\\"')}";;\n*) echo "error: failed to get network '$2'" >&2; exit 1;;\nesac\n`
      : `#!/bin/sh\necho "error: failed to get network '$2'" >&2\necho "error: Network not found: no network with matching name '$2'" >&2\nexit 1\n`,
  );
  chmodSync(join(bin, "virsh"), 0o755);
  // no systemd as PID 1 here: systemctl answers as on a host that runs these daemons
  const running = sw.daemons.map((d) => `"is-active --quiet ${d}.service"|"is-enabled --quiet ${d}.service"`).join("|");
  writeFileSync(
    join(bin, "systemctl"),
    `#!/bin/sh\ncase "$*" in\n--version) echo "systemd ${sw.systemd}";;\n${running ? `${running}) exit 0;;\n` : ""}*) exit 3;;\nesac\n`,
  );
  chmodSync(join(bin, "systemctl"), 0o755);
  return bin;
}

function audit(dir: string, bin: string, root = join(tmp, "root")) {
  return ns.sh(hostCmd(dir, "audit"), { PATH: `${bin}:${process.env.PATH}`, SITEGEN_ROOT: root });
}
const lines = (out: string, prefix: string) => out.split("\n").filter((l) => l.startsWith(prefix));

beforeAll(() => {
  requireRootNetns();
  tmp = tempDir("audit");
  mkdirSync(join(tmp, "root/etc/netplan"), { recursive: true });
});
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
    expect(lines(r.stdout, "PASS").map((l) => l.split(":")[0])).toEqual(
      [
        "PASS G1 virbr1",
        "PASS G2 net.ipv4.ip_forward = 1",
        "PASS G3 virbr1",
        "PASS G4 1_provider",
        "PASS G5 virbr1",
        "PASS G6 virbr1.104",
        "PASS G8 provider-vip-gw.service",
        "PASS G9 1_provider",
        "PASS H1 systemd 252",
      ].map((s) => s.split(":")[0]),
    );
    expect(lines(r.stdout, "WARN")).toEqual([]);
    expect(lines(r.stdout, "STOP")).toEqual([]);
    expect(r.stdout).toContain("PASS G4 1_provider: active, autostart, bridge virbr1, forward mode nat");
    expect(r.stdout).toContain("PASS G8 provider-vip-gw.service: free: no unit by that name");
    expect(r.stdout).toContain("PASS G9 1_provider: free: no hook /etc/libvirt/hooks/network.d/sitegen-1_provider, no unit sitegen-libvirt-1_provider.target");
    expect(r.stdout).toContain("note: libvirtd owns libvirt's networks here");
    expect(r.stdout).toContain("note: libvirt 9.0.0 runs the network's hook from /etc/libvirt/hooks/network.d");
    expect(r.stdout).toContain("PASS H1 systemd 252: 244 or newer (Restart= on a Type=oneshot unit: provider-vip-gw.service)");
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

  it("learns which daemon owns libvirt's networks (G4): virtnetworkd, neither, both, or one that is not enabled", () => {
    const per = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, daemons: ["virtnetworkd"] }));
    expect(per.code, per.stdout).toBe(0);
    expect(per.stdout).toContain("note: virtnetworkd owns libvirt's networks here");
    const none = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, daemons: [] }));
    expect(none.code).toBe(1);
    expect(lines(none.stdout, "STOP")).toEqual([
      "STOP G4 1_provider: neither libvirtd nor virtnetworkd is active: nothing starts 1_provider and virbr1 at boot",
    ]);
    const both = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, daemons: ["libvirtd", "virtnetworkd"] }));
    expect(lines(both.stdout, "STOP")).toEqual([
      "STOP G4 1_provider: libvirtd and virtnetworkd are both active: two daemons would manage 1_provider; keep one",
    ]);
  });

  it("stops where libvirt reads no hooks/network.d (before 6.5.0) and where systemd cannot retry a oneshot (before 244)", () => {
    const old = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, libvirt: "6.0.0" }));
    expect(old.code).toBe(1);
    expect(lines(old.stdout, "STOP")).toEqual([
      expect.stringMatching(/^STOP G4 1_provider: libvirt 6\.0\.0 reads no hooks from \/etc\/libvirt\/hooks\/network\.d \(6\.5\.0 and newer do\)/),
    ]);
    const atFloor = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, libvirt: "6.5.0" }));
    expect(atFloor.code, atFloor.stdout).toBe(0);
    const systemd = audit(JUMP, fakeVirsh("yes", true, { ...DEBIAN12, systemd: "241 (241-7~deb10u8)" }));
    expect(systemd.code).toBe(1);
    expect(lines(systemd.stdout, "STOP")).toEqual([
      "STOP H1 systemd 241: Restart= on a Type=oneshot unit needs 244 or newer (provider-vip-gw.service); an older systemd refuses to load such a unit",
    ]);
  });

  it("stops when netplan also manages the libvirt bridge (G5)", () => {
    writeFileSync(join(tmp, "root/etc/netplan/01-netcfg.yaml"), "network:\n  version: 2\n  bridges:\n    virbr1: { addresses: [10.12.4.1/22] }\n");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("netplan and virbr1: creates it (bridge, netplan id virbr1)");
    expect(lines(r.stdout, "STOP")).toEqual([
      "STOP G5 virbr1: netplan creates it (bridge, netplan id virbr1), but the inventory says libvirt owns it; two managers would fight: set owner: netplan and regenerate",
    ]);
  });

  it("stops when another device already holds the gateway address (G6)", () => {
    ns.ip("addr add 10.12.8.1/22 dev virbr1");
    const r = audit(JUMP, fakeVirsh("yes"));
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual(["STOP G6 10.12.8.1: already held by virbr1: two gateways would answer for it"]);
  });
});

describe("no phase without its audit", () => {
  const root = () => join(tmp, "root");
  const applyRuntime = (bin: string) => ns.sh(hostCmd(JUMP, "apply runtime"), { PATH: `${bin}:${process.env.PATH}`, SITEGEN_ROOT: root() });
  beforeEach(() => rmSync(join(root(), "run"), { recursive: true, force: true }));

  it("host.sh apply PHASE without a passing audit runs it, and its STOP changes nothing", () => {
    const before = ns.state();
    const r = applyRuntime(fakeVirsh("yes", false));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("== audit (read-only gate: no passing audit of these files on this host since boot)");
    expect(r.stdout).toContain("!! audit stopped: nothing was changed");
    expect(r.stdout).not.toContain("== step");
    expect(ns.state()).toBe(before);
  });

  it("a passing audit's stamp lets the phase go ahead; a failing audit, or other files, void it", () => {
    expect(audit(JUMP, fakeVirsh("yes")).code).toBe(0);
    const stamped = applyRuntime(fakeVirsh("yes"));
    expect(stamped.stdout).toMatch(/== audit: passed at \S+ on this host for exactly these files \(since boot\): not run again/);
    // the same audit failing removes the stamp: the next phase audits again (and stops)
    expect(audit(JUMP, fakeVirsh("yes", false)).code).toBe(1);
    expect(applyRuntime(fakeVirsh("yes", false)).stdout).toContain("!! audit stopped: nothing was changed");
    // a stamp for other files (a regenerated output) is void
    expect(audit(JUMP, fakeVirsh("yes")).code).toBe(0);
    // laid out as in out/, the engine beside the site
    const other = join(tmp, "other-output/jumphost/hosts/jumphost");
    cpSync(JUMP, other, { recursive: true });
    cpSync(join(JUMP, "../../../engine"), join(tmp, "other-output/engine"), { recursive: true });
    appendFileSync(join(other, HOST_SH), "# edited\n");
    const r = ns.sh(hostCmd(other, "apply runtime"), { PATH: `${fakeVirsh("yes", false)}:${process.env.PATH}`, SITEGEN_ROOT: root() });
    expect(r.stdout).toContain("no passing audit of these files on this host since boot");
    expect(r.code).toBe(1);
  });
});

describe("runtime apply on a kernel without 8021q", () => {
  it("fails loudly, rolls back its checkpoint, and leaves the prior state", () => {
    expect(audit(JUMP, fakeVirsh("yes")).code).toBe(0);
    const before = ns.state();
    const r = ns.sh(hostCmd(JUMP, "apply runtime"), { SITEGEN_ROOT: join(tmp, "root") });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("== step 1/3 (runtime): create virbr1.104 (VLAN 104 on virbr1) with provider-vip's gateway address and bring it up");
    expect(r.stdout).toContain("!! apply failed");
    expect(r.stdout).toContain("!! rolling back: inverses of 1 step(s), newest first");
    expect(ns.state()).toBe(before);
  });

  it("rollback when nothing was applied is safe and changes nothing", () => {
    const before = ns.state();
    const r = ns.sh(hostCmd(JUMP, "rollback runtime"));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("== rolled back: 1 step(s)");
    expect(ns.state()).toBe(before);
  });
});

describe("roosevelt audit (router-held gateways)", () => {
  beforeEach(() => {
    ns.ip("link add br-provider type bridge");
  });
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
