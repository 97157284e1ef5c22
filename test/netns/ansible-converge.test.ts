// The generated playbooks, run for real in the style of Molecule (converge, idempotence, verify,
// rollback) against a host that is a network namespace on this machine: connection local, the whole
// ansible-playbook under `ip netns exec`, every written file redirected under a temporary root
// (-e sitegen_root=...), so nothing lands in this machine's /etc. Every namespace is deleted, also
// when a test fails.
//
// Two sites, because this kernel has no 8021q VLANs and no systemd as PID 1:
// - "converge" (test/helpers/ansible.ts): a plan whose every action runs here, of the kinds and
//   shapes the real targets emit. It proves the bundle's generic translation end to end: check mode
//   changes nothing, the gates hold, the first run changes, the second reports changed=0, verify
//   passes, rollback restores the snapshot, and a failing step undoes the steps before it.
// - "jumphost", the real site, as far as this kernel goes: the audit gate (a STOP ends the run),
//   --check --diff, and an approved apply whose VLAN step fails loudly ("Unknown device type") and is
//   rolled back to the snapshot. libvirt cannot run here: `virsh` is a test double printing what
//   virsh prints on a libvirt host (as in audit-netns.test.ts). The VLAN and the unit converge for
//   real in the guest-kernel suite, which runs the same playbooks with sitegen_root at its default /.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GW, playbook, token, writeConvergeSite, type PlayResult } from "../helpers/ansible.js";
import { hostCmd, ROOT } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { snapshotTree, tempDir } from "../helpers/tree.js";

const times: string[] = [];
/** An ansible-playbook run may take minutes on a loaded 2-core machine. */
const PLAY_MS = 300_000;
vi.setConfig({ testTimeout: 2 * PLAY_MS });
const timed = (label: string, r: PlayResult): PlayResult => {
  times.push(`${label}: ${r.seconds.toFixed(1)} s`);
  return r;
};
const out = (r: PlayResult) => `${r.stdout}\n${r.stderr}`;
let tmp: string;

/** A namespace whose links get no tentative (DAD) IPv6 addresses, so snapshots do not move by themselves. */
function quietNetns(tag: string): Netns {
  const ns = new Netns(tag);
  ns.sh("sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0");
  return ns;
}

beforeAll(() => {
  requireRootNetns();
  requireTool("ansible-playbook");
  tmp = tempDir("ansible-converge");
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  if (times.length) console.log(`ansible-playbook wall times:\n  ${times.join("\n  ")}`);
});

describe("converge: a plan this kernel can run", () => {
  let ns: Netns;
  let guest: Netns;
  let site: string;
  let root: string;
  let before: { state: string; files: unknown };
  const run = (book: "apply.yml" | "rollback.yml", args: string[] = []) =>
    playbook((c) => ns.sh(c, {}, PLAY_MS), { outSite: site, book, host: "gw", root, tmp, args });
  const approve = () => ["-e", `approve=${token(site)}`];
  const now = () => ({ state: ns.state(), files: snapshotTree(root) });

  beforeAll(() => {
    site = writeConvergeSite(join(tmp, "out"));
    root = join(tmp, "root-converge");
    mkdirSync(join(root, "etc/sysctl.d"), { recursive: true });
    ns = quietNetns("acv");
    guest = quietNetns("acg");
    ns.ip("link add virbr1 type bridge");
    ns.ip(`link add vm0 type veth peer name eth0 netns ${guest.name}`);
    ns.ip("link set vm0 master virbr1 up");
    ns.ip("link set virbr1 up");
    guest.ip("addr add 10.12.8.40/22 dev eth0");
    guest.ip("link set eth0 up");
    before = now();
  });
  afterAll(() => {
    ns?.delete();
    guest?.delete();
  });

  it("--check --diff predicts the change, needs no approval, and changes nothing", () => {
    const r = timed("converge --check --diff", run("apply.yml", ["--check", "--diff"]));
    expect(r.code, out(r)).toBe(0);
    expect(r.stdout).toContain("+net.ipv4.ip_forward = 1");
    expect(r.recap.changed).toBeGreaterThan(0);
    expect(now()).toEqual(before);
  });

  it("refuses to change anything without the approval of exactly this output, and says how", () => {
    const none = timed("converge, not approved", run("apply.yml"));
    expect(none.code).not.toBe(0);
    expect(none.stdout).toContain("Not approved: this play changes hosts.");
    expect(none.stdout).toContain(`then approve exactly this output: -e approve=$(bash ${site}/../engine/token.sh ${site})`);
    const stale = run("apply.yml", ["-e", "approve=0000"]);
    expect(stale.code).not.toBe(0);
    expect(stale.stdout).toContain(`approve=0000 is not this output's token: ${site} changed since it was approved`);
    expect(now()).toEqual(before);
  });

  it("refuses output changed since it was approved (one installed file edited)", () => {
    const approved = approve();
    const f = join(site, "hosts/gw/files/60-sitegen-forwarding.conf");
    writeFileSync(f, "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.rp_filter = 0\n");
    try {
      const r = run("apply.yml", approved);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain(`is not this output's token: ${site} changed since it was approved`);
      expect(now()).toEqual(before);
    } finally {
      writeFileSync(f, "# sitegen converge test\nnet.ipv4.ip_forward = 1\n");
    }
  });

  it("converges: the first approved run applies every step, and the host verifies", () => {
    const r = timed("converge, first run", run("apply.yml", approve()));
    expect(r.code, out(r)).toBe(0);
    expect(r.recap).toMatchObject({ failed: 0, rescued: 0 });
    expect(r.recap.changed).toBeGreaterThanOrEqual(4);
    expect(ns.sh(`ip -br addr show dev ${GW}`).stdout).toContain("10.12.8.1/22");
    expect(ns.sh("cat /proc/sys/net/ipv4/ip_forward").stdout.trim()).toBe("1");
  });

  it("is idempotent: the second run reports changed=0", () => {
    const r = timed("converge, second run", run("apply.yml", approve()));
    expect(r.code, out(r)).toBe(0);
    expect(r.recap).toMatchObject({ changed: 0, failed: 0, rescued: 0 });
  });

  it("verifies: the verify tag passes without approval, and so does host.sh verify on its own", () => {
    const r = timed("converge --tags verify", run("apply.yml", ["--tags", "verify"]));
    expect(r.code, out(r)).toBe(0);
    expect(r.recap).toMatchObject({ changed: 0, failed: 0 });
    const v = ns.sh(hostCmd(`${site}/hosts/gw`, "verify"));
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain("ok   10.12.8.40 answers ping");
  });

  it("rolls back to the snapshot: namespace state and written files", () => {
    const none = run("rollback.yml");
    expect(none.code).not.toBe(0);
    expect(none.stdout).toContain("Not approved: this play rolls hosts back.");
    const r = timed("converge rollback", run("rollback.yml", approve()));
    expect(r.code, out(r)).toBe(0);
    expect(r.recap).toMatchObject({ failed: 0 });
    expect(now()).toEqual(before);
  });

  it("undoes the steps before a step that fails (checkpoint), then fails loudly", () => {
    rmSync(join(root, "etc/sysctl.d"), { recursive: true });
    writeFileSync(join(root, "etc/sysctl.d"), "not a directory\n"); // step 2 cannot install its file
    try {
      const r = timed("converge, step 2 fails", run("apply.yml", approve()));
      expect(r.code).not.toBe(0);
      expect(r.recap).toMatchObject({ rescued: 1 });
      expect(r.stdout).toContain("Step 2 (Make the file's folder if missing /etc/sysctl.d: ");
      expect(r.stdout).toContain("failed on gw; the steps started in this run were undone, newest first.");
      expect(ns.state()).toEqual(before.state);
    } finally {
      rmSync(join(root, "etc/sysctl.d"));
      mkdirSync(join(root, "etc/sysctl.d"));
    }
    expect(now()).toEqual(before);
  });
});

describe("jumphost, the real site, as far as this kernel goes", () => {
  const site = join(ROOT, "out/jumphost");
  let ns: Netns;
  let root: string;
  let before: { state: string; files: unknown };
  let virsh: string;
  const run = (book: "apply.yml" | "rollback.yml", args: string[] = [], path = virsh) =>
    playbook((c) => ns.sh(c, {}, PLAY_MS), { outSite: site, book, host: "jumphost", root, tmp, args, path });
  const now = () => ({ state: ns.state(), files: snapshotTree(root) });

  /** A stand-in for virsh: net-info / net-dumpxml of a NAT network 1_provider on virbr1, or no such network. */
  function fakeVirsh(known: boolean): string {
    const bin = join(tmp, known ? "virsh-known" : "virsh-unknown");
    mkdirSync(bin, { recursive: true });
    const info = "Name:           1_provider\\nActive:         yes\\nPersistent:     yes\\nAutostart:      yes\\nBridge:         virbr1\\n";
    const xml = "<network>\\n  <name>1_provider</name>\\n  <forward mode='nat'/>\\n  <bridge name='virbr1'/>\\n</network>\\n";
    const script = known
      ? `case "$1 $2" in\n"--version "*) echo 9.0.0;;\n"net-info 1_provider") printf "${info}";;\n"net-dumpxml 1_provider") printf "${xml}";;\n*) exit 1;;\nesac\n`
      : `echo "error: failed to get network '$2'" >&2\nexit 1\n`;
    writeFileSync(join(bin, "virsh"), `#!/bin/sh\n${script}`);
    chmodSync(join(bin, "virsh"), 0o755);
    // no systemd as PID 1 here: the audit's questions (H1, G4) get Debian 12's answers with libvirtd running; the rest goes to the real systemctl
    const systemctl = `case "$*" in\n--version) echo "systemd 252 (252.39-1~deb12u1)";;\n"is-active --quiet libvirtd.service"|"is-enabled --quiet libvirtd.service") exit 0;;\n*) exec /usr/bin/systemctl "$@";;\nesac\n`;
    writeFileSync(join(bin, "systemctl"), `#!/bin/sh\n${systemctl}`);
    chmodSync(join(bin, "systemctl"), 0o755);
    return bin;
  }

  beforeAll(() => {
    virsh = fakeVirsh(true);
    root = join(tmp, "root-jumphost");
    mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
    mkdirSync(join(root, "etc/netplan"), { recursive: true });
    writeFileSync(join(root, "etc/netplan/01-netcfg.yaml"), "network:\n  version: 2\n  ethernets:\n    eth0: { dhcp4: true }\n");
    ns = quietNetns("ajh");
    ns.ip("link add virbr1 type bridge");
    ns.ip("link set virbr1 up");
    ns.ip("addr add 10.12.4.1/22 dev virbr1");
    ns.sh("echo 1 > /proc/sys/net/ipv4/ip_forward");
    before = now();
  });
  afterAll(() => ns?.delete());

  it("runs the audit first: a STOP ends the run before any change, approved or not", () => {
    const r = timed("jumphost, audit STOP", run("apply.yml", ["-e", `approve=${token(site)}`], fakeVirsh(false)));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/host.sh audit on jumphost exited 1, nothing was changed: STOP G4 1_provider: libvirt has no network by that name/);
    expect(r.stdout).not.toContain("Apply the runtime steps");
    expect(r.stdout).not.toContain("TASK [Require the approval");
    expect(now()).toEqual(before);
  });

  it("--check --diff shows the unit it would install and changes nothing", () => {
    const r = timed("jumphost --check --diff", run("apply.yml", ["--check", "--diff"]));
    expect(r.code, out(r)).toBe(0);
    expect(r.stdout).toContain("+Description=provider-vip L3 gateway on virbr1.104 -- D-057");
    expect(now()).toEqual(before);
  });

  it("approved: the VLAN step fails loudly on a kernel without 8021q, and is rolled back", () => {
    const r = timed("jumphost, approved apply", run("apply.yml", ["-e", `approve=${token(site)}`]));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain("Error: Unknown device type.");
    expect(r.stdout).toContain("Step 1 (Run ip link add link virbr1 name virbr1.104 type vlan id 104: ");
    expect(r.stdout).toContain("failed on jumphost; the steps started in this run were undone, newest first.");
    expect(r.recap).toMatchObject({ changed: 0, rescued: 1 });
    expect(now()).toEqual(before);
  });

  it("rollback.yml has the same gate, and changes nothing when nothing was applied", () => {
    const none = run("rollback.yml");
    expect(none.code).not.toBe(0);
    expect(none.stdout).toContain("Not approved: this play rolls hosts back.");
    const r = timed("jumphost rollback", run("rollback.yml", ["-e", `approve=${token(site)}`]));
    expect(r.code, out(r)).toBe(0);
    expect(r.recap).toMatchObject({ changed: 0, failed: 0 });
    expect(now()).toEqual(before);
  });
});
