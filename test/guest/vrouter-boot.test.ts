// The virtual router survives a real reboot (issue 10, point 4), in the qemu guest: the guest is
// ctrl1 of the golden case test/cases/golden/vrouter-single (one member, static VIPs, netplan-owned
// bridges), run from the case's reviewed expected output. The world around it (an upstream on br-ex,
// a node on br-mgmt, both namespaces; see vrouter-fixtures.ts) exists at every boot.
//   boot 1: site setup, state snapshot, audit, host.sh apply (runtime, persist, services, final verify),
//           the node is served, reboot
//   boot 2: with nothing re-run, the boot unit rebuilt the namespace before its daemons started;
//           the node is served again (VIP, NAT out of the public leg, DNS, NTP); host.sh verify passes;
//           so do both after an operator's `netplan apply`; host.sh rollback; state equals the boot-1 snapshot; reboot
//   boot 3: state equals the boot-1 snapshot
// The guest runs once, in beforeAll; each `it` asserts one part of the story on its results.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT, guestAvailability, jobReport, linkOf } from "./harness.js";
import { expectRc, sharedGuestRun } from "./flow.js";
import { IN_SITE, auditLines, expectSameState } from "./site-fixtures.js";
import { NODE, NODE_SETUP, NODE_STATE, NODE_TAKEN } from "./node-fixtures.js";
import { SERVE_CHECKS, STATE, VR, VR_SETTLE, VR_SETUP } from "./vrouter-fixtures.js";

const CASE = join(ROOT, "test/cases/golden/vrouter-single");
const HOST_DIR = join(CASE, "expected/hosts/ctrl1");
const NODE_DIR = join(CASE, "expected/hosts/cmp1");
const IN_NODE = `[ -d /root/node ] || cp -a "$GUEST_SHARE/node" /root/node\ncd /root/node`;
const avail = guestAvailability();
const [BOOT, DNSMASQ, CHRONY] = VR.units;

/** Boot-order facts printed by the after-reboot job: "fact NAME=VALUE" lines. */
function facts(stdout: string): Record<string, number> {
  return Object.fromEntries([...stdout.matchAll(/^fact (\S+)=(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

const FACTS = String.raw`
for u in ${VR.units.join(" ")}; do
  echo "fact $u.active=$(systemctl is-active --quiet $u && echo 1 || echo 0)"
  echo "fact $u.restarts=$(systemctl show -p NRestarts --value $u)"
  echo "fact $u.started=$(systemctl show -p ExecMainStartTimestampMonotonic --value $u)"
  echo "fact $u.ready=$(systemctl show -p ActiveEnterTimestampMonotonic --value $u)"
done
journalctl -b --no-pager -o short-monotonic -u ${BOOT} -u ${DNSMASQ} -u ${CHRONY} >&2
`;

/** The node's checks; rc says whether they passed. */
const SERVED = `${SERVE_CHECKS}\nrc=0\nserve_checks || rc=1`;
const WAIT_UNITS = VR.units.map((u) => `wait_for 90 "${u} active" systemctl is-active --quiet ${u}`).join("\n");

describe.skipIf(!avail.run)("guest e2e: a virtual router member rebooted (vrouter-single, ctrl1)", () => {
  const guestRun = sharedGuestRun(
    "vrouter boot flow",
    [
      // ---- boot 1
      { name: "010-site", script: `${VR_SETUP}\n${VR_SETTLE}\nsnap base\nip -br addr` },
      { name: "015-state-base", script: STATE },
      { name: "020-audit", script: `${IN_SITE}\nbash ./host.sh audit` },
      { name: "030-apply", script: `${IN_SITE}\nbash ./host.sh apply` },
      { name: "040-served", script: `${SERVE_CHECKS}\nserve_checks\nrc=$?\nsnap applied\nexit $rc`, reboot: true },
      // ---- boot 2: nothing re-run by hand
      {
        name: "050-after-reboot",
        script: `${IN_SITE}\n${VR_SETTLE}\n${WAIT_UNITS}\n${FACTS}\n${SERVED}\nsnap after-reboot\nbash ./host.sh verify || rc=1\nexit $rc`,
      },
      // an operator's `netplan apply` on the controller (the bridges' owner reconfigures them) keeps the router serving
      { name: "055-netplan-apply", script: `${IN_SITE}\nnetplan apply\n${VR_SETTLE}\n${SERVED}\nbash ./host.sh verify || rc=1\nexit $rc` },
      { name: "060-rollback", script: `${IN_SITE}\nbash ./host.sh rollback\nrc=$?\nsnap after-rollback\nexit $rc` },
      { name: "065-state-after-rollback", script: STATE, reboot: true },
      // ---- boot 3
      { name: "070-final", script: `${VR_SETTLE}\nsnap final` },
      { name: "075-state-final", script: STATE },
      // ---- still boot 3: the guest becomes the node cmp1, served by ctrl1's router re-applied beside it
      {
        name: "080-node-setup",
        script: `${NODE_SETUP}\n${IN_SITE}\nbash ./host.sh apply runtime && bash ./host.sh apply services\nrc=$?\nsnap node-before\nexit $rc`,
      },
      { name: "082-node-state-before", script: NODE_STATE },
      { name: "084-node-audit", script: `${IN_NODE}\nbash ./host.sh audit` },
      { name: "086-node-apply", script: `${IN_NODE}\nbash ./host.sh apply` },
      { name: "088-node-taken", script: NODE_TAKEN },
      { name: "090-node-rollback", script: `${IN_NODE}\nbash ./host.sh rollback\nrc=$?\nsnap node-after\nexit $rc` },
      { name: "092-node-state-after", script: NODE_STATE },
    ],
    {
      copy: [
        { from: HOST_DIR, to: "site" },
        { from: NODE_DIR, to: "node" },
      ],
      totalTimeoutSec: 1200,
      bootTimeoutSec: 540,
    },
  );

  it("the golden case is the one-member site the fixtures build", () => {
    const inv = parse(readFileSync(join(CASE, "vrouter-single.yaml"), "utf8"));
    const v = inv.vrouters[0];
    expect(v.members).toEqual([{ host: "ctrl1", address: VR.memberAddr }]);
    expect(v.ha).toBeUndefined();
    expect([v.management.vip, v.public.vip, v.dns.upstreams, v.ntp.upstreams]).toEqual([VR.mgmtVip, VR.publicVip, VR.dns, VR.ntp]);
    expect(inv.networks[1].gateway.address).toBe(VR.gateway);
    const cmp1 = parse(readFileSync(join(CASE, "expected/hosts/cmp1/cloud-init/network-config"), "utf8")).network.bridges["br-mgmt"];
    expect([cmp1.addresses[0], cmp1.routes[0].via, cmp1.nameservers.addresses[0]]).toEqual([VR.node, VR.mgmtVip, VR.mgmtVip]);
  });

  it("boot 1: the audit passes, host.sh apply applies every phase, and the node is served", () => {
    const run = guestRun();
    expectRc(run, "010-site", 0);
    expectRc(run, "020-audit", 0);
    const audit = auditLines(run.jobs["020-audit"]!.stdout);
    expect.soft(audit.stop, jobReport(run, "020-audit")).toEqual([]);
    for (const g of ["G7", "V1", "V2", "V3", "V4", "V5"])
      expect
        .soft(
          audit.pass.some((l) => l.startsWith(`PASS ${g} `)),
          `PASS ${g}`,
        )
        .toBe(true);
    expectRc(run, "030-apply", 0);
    // a fresh host: every step is this run's (none held before it)
    expect.soft(run.jobs["030-apply"]!.stdout).toMatch(/== done: [1-9]\d* step\(s\) brought in and 0 already in place, all verified/);
    expectRc(run, "040-served", 0);
  });

  it("boot 2: the boot unit rebuilt the router before its daemons, and the node is served with nothing re-run", () => {
    const run = guestRun();
    expect(run.boots).toHaveLength(3);
    expect(new Set(run.boots).size).toBe(3);
    const job = run.jobs["050-after-reboot"]!;
    expect(job.bootId).toBe(run.boots[1]);
    expectRc(run, "050-after-reboot", 0);
    const served = [
      "node pings the management VIP",
      "node reaches the upstream",
      `from the public VIP ${VR.publicVip}`,
      "node resolves upstream.test",
      "stratum 4",
    ];
    for (const l of served) {
      expect.soft(job.stdout, jobReport(run, "050-after-reboot")).toContain(l);
    }
    const f = facts(job.stdout);
    for (const u of VR.units) expect.soft(f[`${u}.active`], `${u} active after the reboot`).toBe(1);
    // ordered, not retried: each daemon started once, after the namespace was in place
    for (const u of [DNSMASQ, CHRONY]) {
      expect.soft(f[`${u}.restarts`], `${u} restarts`).toBe(0);
      expect.soft(f[`${u}.started`]!, `${u} started after ${BOOT} finished`).toBeGreaterThan(f[`${BOOT}.ready`]!);
    }
    expectRc(run, "055-netplan-apply", 0);
    const snap = run.snapshot("after-reboot");
    for (const [leg, br] of [
      ["vr-mgmt-p", "br-mgmt"],
      ["vr-ex-p", "br-ex"],
    ] as const) {
      expect.soft(linkOf(snap, leg)?.["master"], `${leg} enslaved after the reboot`).toBe(br);
      expect.soft(linkOf(snap, leg)?.["operstate"]).toBe("UP");
    }
  });

  it("rollback leaves the guest as the boot-1 snapshot found it, before and after a reboot", () => {
    const run = guestRun();
    expectRc(run, "060-rollback", 0);
    expectRc(run, "065-state-after-rollback", 0);
    expect(run.jobs["070-final"]!.bootId).toBe(run.boots[2]);
    expectRc(run, "070-final", 0);
    expectRc(run, "075-state-final", 0);
    const base = run.jobs["015-state-base"]!.stdout;
    expect(base).toContain("## netns\nnode\nup\n");
    expect.soft(run.jobs["065-state-after-rollback"]!.stdout, "state after host.sh rollback").toBe(base);
    expect.soft(run.jobs["075-state-final"]!.stdout, "state after the reboot").toBe(base);
    expectSameState(run, "base", "after-rollback", true);
    expectSameState(run, "base", "final", true);
  });

  it("boot 3: a node's takeover applied with netplan apply, and its give-back restores routes, resolver and NTP sources exactly", () => {
    const run = guestRun();
    const jobs = ["080-node-setup", "082-node-state-before", "084-node-audit", "086-node-apply", "088-node-taken", "090-node-rollback", "092-node-state-after"];
    for (const j of jobs) {
      expect(run.jobs[j]!.bootId).toBe(run.boots[2]);
      expectRc(run, j, 0);
    }
    const audit = auditLines(run.jobs["084-node-audit"]!.stdout);
    const n2 = audit.pass.some((l) => l.startsWith("PASS N2: default") && l.includes(`via ${NODE.oldGateway}`));
    expect.soft(n2, jobReport(run, "084-node-audit")).toBe(true);
    const before = run.jobs["082-node-state-before"]!.stdout;
    expect(before).toContain(`default via ${NODE.oldGateway} dev br-mgmt proto static metric 100`);
    expect(before).toMatch(new RegExp(`DNS: ${NODE.oldGateway}`));
    expect(before).toContain(`## ntp sources\n^,${NODE.oldGateway}\n`);
    for (const l of ["one default route, via the VIP", "resolver for br-mgmt is the VIP", "reaches the upstream", "selected 192.168.0.2"]) {
      expect.soft(run.jobs["088-node-taken"]!.stdout, jobReport(run, "088-node-taken")).toContain(l);
    }
    expect.soft(run.jobs["092-node-state-after"]!.stdout, "the node after the give-back").toBe(before);
    // same boot: interface indexes are compared too
    expectSameState(run, "node-before", "node-after", false);
  });
});
