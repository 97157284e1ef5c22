// The Pacemaker variant of VIP failover, live (issue 11, point 2): fuel-env with `ha: { manager:
// pacemaker }` on three controllers that are real Corosync + Pacemaker cluster members. Each member
// is a network namespace with its own mount, UTS, PID and cgroup namespaces and systemd as its init
// (a simulated host: helpers/sim-host.sh), so its /run, /etc, /var/lib/pacemaker and /var/lib/corosync are its
// own, `systemctl` in the generated steps works, and Pacemaker's systemd: resources start real units.
// The generated scripts run unchanged: audit, host.sh apply runtime, persist, services (on the primary it
// runs pacemaker.sh create against the live cluster). Then the placement REVIEW.md describes, a node
// served through the VIPs (NAT, DNS, NTP), a throttled transfer that survives the loss of the active
// member (corosync SIGKILLed, its router legs cut as fencing would), the VIP move time over several
// rounds (the lost member reboots: its boot unit rebuilds the namespace before pacemaker starts, and
// it rejoins with nothing done by hand), and the rollback to every member's snapshot. No fencing
// device can power off a namespace: stonith-enabled=false here, and cutting the legs stands in for it.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corosyncConf } from "../helpers/corosync.js";
import { hostTempDir, SimHost } from "../helpers/sim-host.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { flowIn, poll, sleep, transfer } from "../helpers/transfer.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";
import { ntpQuery, Topology } from "../helpers/vrouter-topology.js";
import { hostCmd } from "../helpers/gen.js";

const CONTROLLERS = ["ctrl1", "ctrl2", "ctrl3"];
const MGMT_VIP = "192.168.0.2";
const PUBLIC_VIP = "172.16.0.2";
const NODE = "192.168.0.21";
const TARGET = "198.51.100.80";
const UPSTREAM_DNS = ["198.51.100.53", "198.51.100.54"];
const UPSTREAM_NTP = ["198.51.100.123", "198.51.100.124"];
const CONF = "/etc/sitegen/vrouter/conntrackd.conf";

/** fuel-env with Pacemaker as its failover manager (its sync channel kept). */
const PACEMAKER_HA = "    ha:\n      manager: pacemaker\n      sync: { group: 225.0.0.50, port: 3780 }\n";
const pacemakerText = (t: string) => t.replace(/^ {4}ha:\n(?: {6}.*\n)+/m, PACEMAKER_HA);

describe("VIP failover by a live Corosync + Pacemaker cluster (fuel-env, manager pacemaker) in namespace members", () => {
  const topo = new Topology(`spm${process.pid % 1000}`);
  const tmp = hostTempDir("pacemaker");
  const members = new Map<string, SimHost>();
  const measured: Record<string, number[]> = {};
  const note = (k: string, ms: number) => {
    (measured[k] ??= []).push(Math.round(ms));
  };
  let site = "";
  const hostDir = (h: string) => join(site, "hosts", h);
  const before: Record<string, unknown> = {};

  const snapAll = () => Object.fromEntries(["sw", "up", "cmp1", ...CONTROLLERS].map((w) => [w, topo.snapshot(w)]));
  /** What the runbook may change on a member beyond its network state: files, units, the cluster's configuration. */
  const memberState = (h: string) => ({
    files: topo.must(h, "find /etc/sitegen /etc/systemd/system -path '*sitegen*' 2>/dev/null | sort || true"),
    units: topo.must(h, "systemctl list-units --all --no-legend --plain 'sitegen-*' | awk '{ print $1, $3, $4 }'"),
    config: topo.must(h, "cibadmin -Q --scope resources; cibadmin -Q --scope constraints"),
  });
  const stateAll = () => Object.fromEntries(CONTROLLERS.map((h) => [h, memberState(h)]));
  const holds = (h: string) =>
    topo.sh(h, `ip -n vrouter -br addr show dev vr-mgmt | grep -qw ${MGMT_VIP} && ip -n vrouter -br addr show dev vr-ex | grep -qw ${PUBLIC_VIP}`).code === 0;
  const holdsAny = (h: string) => topo.sh(h, `ip -n vrouter -br addr 2>/dev/null | grep -qwE '${MGMT_VIP}|${PUBLIC_VIP}'`).code === 0;
  const alive = new Set(CONTROLLERS);
  const holders = () => CONTROLLERS.filter((h) => alive.has(h) && holdsAny(h));
  const kernelFlow = (h: string, port: number) => flowIn(topo.must(h, "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), NODE, TARGET, port, PUBLIC_VIP);
  const synced = (h: string, port: number) =>
    new RegExp(`src=${NODE} dst=${TARGET} sport=\\d+ dport=${port} `).test(topo.sh(h, `ip netns exec vrouter conntrackd -C ${CONF} -e`).stdout);
  /** Where the cluster says a resource runs, and in which role (crm_mon's XML). */
  const placed = (via: string, id: string) =>
    [...topo.must(via, "crm_mon --output-as=xml").matchAll(new RegExp(`<resource id="${id}"[^>]*role="(\\w+)"[^>]*>\\s*<node name="(\\w+)"`, "g"))]
      .map((m) => `${m[2]}:${m[1]}`)
      .sort();
  const online = (via: string) => [...topo.sh(via, "crm_mon --output-as=xml").stdout.matchAll(/<node name="(\w+)"[^>]*online="true"/g)].map((m) => m[1]).sort();
  const settle = (via: string) => topo.must(via, "crm_resource --wait --timeout=120s", 130_000);

  /** Boot a member and start its cluster stack (corosync and pacemaker are enabled units on its disk). */
  async function start(h: string): Promise<void> {
    let m = members.get(h);
    if (!m) {
      m = new SimHost(topo, h, join(tmp, `${h}-disk`), join(tmp, `${h}-console.log`));
      members.set(h, m);
    }
    note(`member boot to systemd running`, await m.boot());
    alive.add(h);
  }

  /** The time from t0 until h holds both VIPs, polled every 20 ms for at most 40 s. */
  async function vipMove(h: string, t0: number): Promise<number> {
    const ok = await poll(2000, 20, () => holds(h));
    expect(ok, `${h} did not take the VIPs within 40 s; holders: ${holders().join(", ")}\n${ok ? "" : topo.sh(h, "crm_mon -1").stdout}`).toBe(true);
    return Date.now() - t0;
  }

  /** The active member h is lost: corosync SIGKILLed (pacemaker's daemons exit with it), its router legs cut (what fencing ensures). */
  function lose(h: string): void {
    process.kill(members.get(h)!.pidOf("corosync"), "SIGKILL");
    topo.must(h, "ip -n vrouter link set vr-mgmt down && ip -n vrouter link set vr-ex down");
    alive.delete(h);
  }

  /** h reboots after its loss: sitegen-vrouter-boot.service rebuilds the namespace before pacemaker.service, and h rejoins by itself. */
  async function rejoin(h: string): Promise<void> {
    await members.get(h)!.kill();
    await start(h);
    expect(topo.must(h, "systemctl is-active sitegen-vrouter-boot corosync pacemaker").trim().split("\n")).toEqual(["active", "active", "active"]);
    expect(await poll(150, 200, () => online(h).length === CONTROLLERS.length), `${h} did not rejoin`).toBe(true);
    settle(h);
    expect(placed(h, "vrouter-netns").filter((x) => x.startsWith(`${h}:`))).toEqual([`${h}:Started`]);
  }

  beforeAll(async () => {
    requireRootNetns();
    const tools = ["nsenter", "unshare", "setpriv", "nft", "dnsmasq", "chronyd", "dig", "conntrackd", "conntrack", "corosync", "pacemakerd", "pcs", "crm_mon"];
    for (const t of tools) requireTool(t);
    site = buildVariant(tmp, "pacemaker", pacemakerText(fuelEnvText()));
    topo.switch();
    for (const [i, h] of CONTROLLERS.entries()) topo.hostNet(Topology.controller(h, i));
    topo.leaf("cmp1", "eth1", "mgmt");
    topo.must("cmp1", `ip addr add ${NODE}/24 dev eth1 && ip route add default via ${MGMT_VIP}`);
    topo.upstream(tmp, "172.16.0.1", UPSTREAM_DNS, UPSTREAM_NTP, [TARGET]);
    // the cluster exists before the runbook runs: corosync on br-mgmt, pacemaker, no fencing (see above)
    const t0 = Date.now();
    await Promise.all(CONTROLLERS.map((h) => start(h)));
    const conf = corosyncConf(
      "fuel-env",
      CONTROLLERS.map((h, i) => ({ name: h, address: `192.168.0.1${i + 1}` })),
    );
    writeFileSync(join(tmp, "corosync.conf"), conf);
    for (const h of CONTROLLERS) {
      topo.must(h, `install -m 0644 ${join(tmp, "corosync.conf")} /etc/corosync/corosync.conf && systemctl enable -q --now corosync pacemaker`);
    }
    const dc = () => /<current_dc present="true"/.test(topo.sh("ctrl1", "crm_mon --output-as=xml").stdout);
    const up = await poll(300, 200, () => online("ctrl1").length === CONTROLLERS.length && dc());
    expect(up, `the cluster did not form\n${topo.sh("ctrl1", "crm_mon -1").stdout}`).toBe(true);
    topo.must("ctrl1", "pcs property set stonith-enabled=false");
    note("cluster: members booted and every node online with a DC", Date.now() - t0);
    Object.assign(before, snapAll(), { state: stateAll() });
  }, 240_000);

  afterAll(async () => {
    await topo.teardown();
    console.log(`pacemaker failover times (ms): ${JSON.stringify(measured)}`);
    if (!process.env.SITEGEN_KEEP) rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it("the audit passes on every member: its Pacemaker gate finds a cluster that knows every member", () => {
    for (const h of CONTROLLERS) {
      const r = topo.sh(h, hostCmd(hostDir(h), "audit"));
      expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^PASS V\d+ pacemaker: every member is a cluster node$/m);
    }
  }, 60_000);

  it("host.sh apply runtime, persist, then services (the primary last: it runs pacemaker.sh create) place everything as REVIEW.md says", async () => {
    for (const h of CONTROLLERS) {
      for (const phase of ["runtime", "persist"]) {
        const r = topo.sh(h, hostCmd(hostDir(h), `apply ${phase}`));
        expect(r.code, `${h} ${phase}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    }
    expect(holders()).toEqual([]);
    let t0 = 0;
    for (const h of ["ctrl2", "ctrl3", "ctrl1"]) {
      t0 = Date.now();
      const r = topo.sh(h, hostCmd(hostDir(h), "apply services"), 180_000);
      expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
    }
    note("host.sh apply services on the primary (pacemaker.sh create)", Date.now() - t0);
    t0 = Date.now();
    settle("ctrl1");
    note("then until every resource has started", Date.now() - t0);
    // the VIPs and the uplink on the highest location score, where conntrackd is promoted
    expect(holders()).toEqual(["ctrl1"]);
    expect(placed("ctrl2", "vrouter-vip-mgmt")).toEqual(["ctrl1:Started"]);
    expect(placed("ctrl2", "vrouter-uplink")).toEqual(["ctrl1:Started"]);
    expect(placed("ctrl2", "vrouter-conntrackd")).toEqual(["ctrl1:Promoted", "ctrl2:Unpromoted", "ctrl3:Unpromoted"]);
    expect(topo.must("ctrl1", "ip -n vrouter route show default")).toMatch(/^default via 172\.16\.0\.1 dev vr-ex/m);
    // the namespace check, DNS and NTP on every member, as real systemd units
    for (const id of ["vrouter-netns", "vrouter-dnsmasq", "vrouter-ntp"]) expect(placed("ctrl3", id)).toEqual(CONTROLLERS.map((h) => `${h}:Started`));
    for (const h of CONTROLLERS) {
      const units = topo.must(h, "systemctl is-active sitegen-vrouter-netns sitegen-vrouter-dnsmasq sitegen-vrouter-chrony");
      expect(units.trim().split("\n")).toEqual(["active", "active", "active"]);
      expect(topo.sh(h, "systemctl is-active sitegen-vrouter-uplink").stdout.trim()).toBe(h === "ctrl1" ? "active" : "inactive");
    }
  }, 240_000);

  it("the node reaches the upstream NATed to the public VIP, and gets DNS and NTP through the management VIP", async () => {
    const r = topo.sh("cmp1", `ping -c2 -W2 -q ${TARGET}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const icmp = topo.must("ctrl1", "ip netns exec vrouter conntrack -L -p icmp 2>/dev/null");
    expect(icmp).toMatch(new RegExp(`src=${NODE} dst=${TARGET} .*src=${TARGET} dst=${PUBLIC_VIP} `));
    const answer = await poll(10, 300, () => topo.sh("cmp1", `dig +time=2 +tries=1 +short @${MGMT_VIP} upstream.test A`).stdout.trim());
    expect(answer).toBe("203.0.113.7");
    const q = () => JSON.parse(topo.must("cmp1", ntpQuery(MGMT_VIP)) || "{}") as { mode?: number; stratum?: number; refid?: string };
    const ntp = await poll(40, 500, () => {
      const x = q();
      return x.stratum === 4 ? x : undefined;
    });
    expect(ntp, "no synchronised NTP answer from the VIP within 20 s").toBeDefined();
    expect(UPSTREAM_NTP).toContain(ntp!.refid);
  }, 60_000);

  it("a throttled transfer through the VIP and the SNAT survives the loss of the active member", async () => {
    const size = 4 * 1024 * 1024;
    const t = transfer(topo, tmp, { from: "cmp1", to: "up", target: TARGET, port: 5101, bytes: size, rate: 256 * 1024 }); // about 16 s
    await t.start();
    expect(await poll(100, 100, () => t.progress().bytes > 512 * 1024), "the transfer does not progress").toBe(true);
    expect(kernelFlow("ctrl1", 5101)).toBe(true);
    for (const h of ["ctrl2", "ctrl3"]) {
      expect(await poll(30, 100, () => synced(h, 5101)), `${h}'s conntrackd has not received the flow`).toBe(true);
      expect(kernelFlow(h, 5101), `${h}'s kernel table must not have it yet`).toBe(false);
    }
    const got = t.progress().bytes;
    const t0 = Date.now();
    lose("ctrl1");
    note("loss of the active member: VIPs on the next", await vipMove("ctrl2", t0));
    expect(holders()).toEqual(["ctrl2"]);
    const end = await poll(600, 100, () => {
      const p = t.progress();
      return p.done || p.reset || p.error ? p : undefined;
    });
    expect(end, "the transfer did not finish within 60 s").toBeDefined();
    expect(end).toMatchObject({ done: true, reset: false, error: "", bytes: size });
    expect(got).toBeLessThan(size);
    expect(await poll(50, 100, () => t.sender())).toEqual({ bytes: size, sha256: end!.sha256, error: "" });
    // the new active member's kernel table holds the entry conntrackd synced (committed on promotion)
    expect(kernelFlow("ctrl2", 5101)).toBe(true);
    expect(placed("ctrl2", "vrouter-conntrackd")).toEqual(["ctrl2:Promoted", "ctrl3:Unpromoted"]);
  }, 120_000);

  it("the VIP move time over several losses (each lost member reboots and rejoins first)", async () => {
    // ctrl1 back; the VIPs stay on ctrl2 (stickiness); then the active member is lost again, and again
    const rounds: Array<[string, string]> = [
      ["ctrl2", "ctrl1"],
      ["ctrl1", "ctrl2"],
      ["ctrl2", "ctrl1"],
    ];
    let last = "ctrl1";
    for (const [victim, next] of rounds) {
      await rejoin(last);
      expect(holders()).toEqual([victim]);
      const t0 = Date.now();
      lose(victim);
      note("loss of the active member: VIPs on the next", await vipMove(next, t0));
      expect(holders()).toEqual([next]);
      last = victim;
    }
    await rejoin(last);
    expect(holders()).toEqual(["ctrl1"]);
  }, 600_000);

  it("rollback removes the resources and returns every member to its snapshot", async () => {
    // the primary's services rollback runs pacemaker.sh delete; then the others; then persistence and the runtime phase everywhere
    const others = (phase: string) => CONTROLLERS.map((c) => [c, phase]);
    for (const [h, phase] of [["ctrl1", "services"], ["ctrl2", "services"], ["ctrl3", "services"], ...others("persist"), ...others("runtime")]) {
      const r = topo.sh(h!, hostCmd(hostDir(h!), `rollback ${phase}`), 120_000);
      expect(r.code, `${h} ${phase}\n${r.stdout}${r.stderr}`).toBe(0);
    }
    settle("ctrl1");
    await topo.stopMatching((argv) => argv.includes("send") || argv.includes("recv"));
    const now = async () => Object.assign(snapAll(), { state: stateAll() });
    const same = await poll(30, 200, () => JSON.stringify(Object.assign(snapAll(), { state: stateAll() })) === JSON.stringify(before));
    expect(same ? before : await now()).toEqual(before);
  }, 240_000);
});
