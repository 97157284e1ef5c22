// HA day two for real (issue 20, part 4), in network namespaces this test creates and deletes: fuel-env's
// three keepalived members (simulated hosts with systemd as PID 1 and their own sshd, as in ansible-site.test.ts:
// the generated units run under real systemd) are set up by their host.sh apply;
// then ctrl4 joins; a failover drill hands the VIPs to ctrl2 (so the holder is not the inventory's
// primary); ctrl3 leaves. Both through `gen plan --from` and the transition's scripts, run in the order
// the plan states, the holder asked with holder.sh just before its turn; then ansible/apply.yml
// (--tags services) rolls a config change (the upstream gateway, in every member's keepalived.conf) out
// over every member. A throttled TCP transfer from the public-less node cmp1 through the management VIP
// and the NAT runs all along. Every VRRP state change is counted ("Entering MASTER STATE" in each
// member's keepalived log, kept across restarts): each stage moves the VIPs exactly as often as the plan
// said, and the transfer ends byte-exact without a reset. (Ansible over the whole site is ansible-site.test.ts.)
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { token } from "../helpers/ansible.js";
import { Fleet, requireSshd, type FleetRun } from "../helpers/fleet.js";
import { gen, hostCmd, hostFile } from "../helpers/gen.js";
import { hostTempDir } from "../helpers/sim-host.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { poll, sleep, transfer as stream } from "../helpers/transfer.js";
import { buildVariant, fuelEnvText, withMember, withoutMember } from "../helpers/variant.js";
import { Topology } from "../helpers/vrouter-topology.js";

const ALL = ["ctrl1", "ctrl2", "ctrl3", "ctrl4"];
const MGMT_VIP = "192.168.0.2";
const NODE = "192.168.0.21";
const TARGET = "198.51.100.80";
const PASS = "vault_fuel_env_vrrp_pass";
const SECRET = "Mb4.pw_2";
const V3 = fuelEnvText();
const V4 = withMember(V3, "ctrl4", 3, 80, "192.168.0.6");
const V5 = withoutMember(V4, "ctrl3");
/** The upstream router's other address as the gateway: every member's keepalived.conf (virtual_routes) changes. */
const V6 = V5.replace(/^( {6}address: )172\.16\.0\.1$/m, "$1172.16.0.254");
// throttled for far longer than the stages take (about 3 minutes here); unthrottled once they are done
const RATE = 40_000;
const BYTES = RATE * 380;

describe("HA membership changes and an Ansible roll-out with a transfer through the VIP (fuel-env, keepalived, 3 -> 4 -> 3 members)", () => {
  const topo = new Topology(`smb${process.pid % 1000}`);
  const tmp = hostTempDir("membership");
  const times: string[] = [];
  let fleet: Fleet;
  let flow: ReturnType<typeof stream>;
  const sites: Record<string, string> = {};
  const sh = (h: string, script: string) => topo.sh(h, `${PASS}=${SECRET} ${script}`, 180_000);
  const KEEPALIVED = "sitegen-vrouter-keepalived.service";

  /**
   * VRRP state changes so far, per member: "Entering MASTER STATE" in its keepalived's journal (kept across restarts), as
   * written to stdout (--log-console): keepalived writes each line to syslog too, which the journal also keeps.
   */
  const masters = () =>
    Object.fromEntries(
      ALL.map((h) => [h, (topo.sh(h, `journalctl -q -o cat -u ${KEEPALIVED} _TRANSPORT=stdout`).stdout.match(/Entering MASTER STATE/g) ?? []).length]),
    );
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  /** The PID systemd tracks as keepalived's ("" when it is not running). */
  const keepalivedPid = (h: string) => topo.sh(h, `systemctl show -p MainPID --value ${KEEPALIVED}`).stdout.trim().replace(/^0$/, "");
  const holds = (h: string) => topo.sh(h, `ip -n vrouter -br addr show dev vr-mgmt 2>/dev/null | grep -qw ${MGMT_VIP}`).code === 0;

  const play = (site: string, label: string): FleetRun => {
    const r = fleet.play(site, "apply.yml", [
      "-e",
      `approve=${token(site)}`,
      "-e",
      `${PASS}=${SECRET}`,
      "--limit",
      "site_fuel_env_routers",
      "--tags",
      "services",
    ]);
    times.push(`${label}: ${r.seconds.toFixed(1)} s`);
    return r;
  };

  /** gen plan --from: the summary, the transition's folder, and the planned VIP moves (min, max). */
  function plan(name: string, from: string, to: string) {
    const dir = join(tmp, name);
    mkdirSync(join(dir, "inventories"), { recursive: true });
    writeFileSync(join(dir, "inventories/fuel-env.yaml"), to);
    writeFileSync(join(dir, "old.yaml"), from);
    const r = gen(["plan", "--site", "fuel-env", "--from", join(dir, "old.yaml"), "--inventory", join(dir, "inventories"), "--out", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    const m = /^router vrouter \(keepalived\): .*VIP moves: (\d+)(?: to (\d+))?/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    return { stdout: r.stdout, dir: join(dir, "out/fuel-env.transition"), min: Number(m![1]), max: Number(m![2] ?? m![1]) };
  }

  /**
   * Runs a transition host by host in the stated order; a staying member that holds the VIPs when its turn
   * comes (holder.sh) goes to the end of the staying ones. Returns the order it ran.
   */
  function runTransition(dir: string, stdout: string, staying: string[]): string[] {
    const todo = /^run order: (.*)$/m.exec(stdout)![1]!.split(", ");
    const ran: string[] = [];
    for (let guard = 0; todo.length && guard < 20; guard++) {
      const h = todo.shift()!;
      const rest = todo.filter((x) => staying.includes(x));
      if (staying.includes(h) && rest.length && sh(h, `bash ${hostFile(dir, h, "holder.sh")}`).code === 0) {
        todo.push(h);
        continue;
      }
      const r = sh(h, hostCmd(hostFile(dir, h, ""), "apply"));
      expect(r.code, `${h} host.sh apply\n${r.stdout}${r.stderr}`).toBe(0);
      ran.push(h);
    }
    return ran;
  }

  /** After a stage: VRRP settles (three advert intervals), exactly one member holds the VIPs. */
  async function settle(): Promise<string[]> {
    await sleep(4000);
    return ALL.filter(holds);
  }

  /**
   * The end of a stage: `holder` still holds the VIPs, exactly `moves` VRRP state changes happened since
   * `before`, its keepalived is the process it was (never restarted), and the transfer goes on.
   */
  async function stageEnds(before: Record<string, number>, moves: number, holder: string, pid: string): Promise<void> {
    const bytes = flow.progress().bytes;
    expect(await settle()).toEqual([holder]);
    expect(flow.progress().bytes, "the transfer still moves").toBeGreaterThan(bytes);
    const now = masters();
    expect(sum(now) - sum(before), JSON.stringify(now)).toBe(moves);
    expect(keepalivedPid(holder)).toBe(pid);
    expect(flow.progress()).toMatchObject({ done: false, reset: false, error: "" });
  }

  /** gen plan --from, then its transition run host by host (runTransition); the plan and the order it ran. */
  function transitionStage(name: string, from: string, to: string, staying: string[]) {
    const p = plan(name, from, to);
    const t0 = Date.now();
    const ran = runTransition(p.dir, p.stdout, staying);
    times.push(`${name} transition: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { ...p, ran };
  }

  beforeAll(async () => {
    requireRootNetns();
    requireSshd();
    for (const t of ["ansible-playbook", "ssh", "ssh-keygen", "nsenter", "unshare", "nft", "dnsmasq", "chronyd", "keepalived", "conntrackd"]) requireTool(t);
    sites.v3 = buildVariant(tmp, "v3", V3);
    sites.v6 = buildVariant(tmp, "v6", V6);
    topo.switch();
    fleet = new Fleet(topo, tmp);
    fleet.controller("192.168.0.250", 24);
    for (const [i, h] of ALL.entries()) await fleet.host(Topology.controller(h, i), `192.168.0.1${i + 1}`);
    topo.upstream(tmp, "172.16.0.1", ["198.51.100.53", "198.51.100.54"], ["198.51.100.123", "198.51.100.124"], [TARGET]);
    topo.must("up", "ip addr add 172.16.0.254/24 dev eth0");
    topo.leaf("cmp1", "eth1", "mgmt");
    topo.must("cmp1", `ip addr add ${NODE}/24 dev eth1 && ip route add default via ${MGMT_VIP}`);
    fleet.waitReady(ALL.map((_, i) => `192.168.0.1${i + 1}`));
  }, 300_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
    console.log(`HA membership (fuel-env) times:\n  ${times.join("\n  ")}`);
  });

  let base: Record<string, number> = {};
  let pid1 = "";
  let holderPid = "";

  it("version 1 (ctrl1-3) by each member's host.sh apply, ctrl1 first (REVIEW.md's order): ctrl1 holds the VIPs", async () => {
    const t0 = Date.now();
    for (const h of ["ctrl1", "ctrl2", "ctrl3"]) {
      const r = sh(h, hostCmd(hostFile(sites.v3!, h, ""), "apply"));
      expect(r.code, `${h} host.sh apply\n${r.stdout}${r.stderr}`).toBe(0);
    }
    times.push(`version 1, three host.sh apply: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(await settle()).toEqual(["ctrl1"]);
    base = masters();
    expect(base).toEqual({ ctrl1: 1, ctrl2: 0, ctrl3: 0, ctrl4: 0 });
    pid1 = keepalivedPid("ctrl1");
    expect(pid1, "systemd tracks keepalived's main process").toMatch(/^\d+$/);
    flow = stream(topo, tmp, { from: "cmp1", to: "up", target: TARGET, port: 5601, bytes: BYTES, rate: RATE, timeout: 420 });
    await flow.start();
    expect(await poll(100, 100, () => flow.progress().bytes > 0), "the transfer through the VIP starts").toBe(true);
  }, 300_000);

  it("ctrl4 joins (gen plan --from + the transition's host.sh apply in the stated order): 0 VIP moves planned, 0 happen", async () => {
    const before = masters();
    const p = transitionStage("join", V3, V4, ["ctrl1", "ctrl2", "ctrl3"]);
    expect([p.min, p.max]).toEqual([0, 0]);
    expect(p.ran).toEqual(["ctrl4", "ctrl2", "ctrl3", "ctrl1"]);
    await stageEnds(before, 0, "ctrl1", pid1);
  }, 300_000);

  it(
    "a failover drill hands the VIPs to ctrl2 (1 move, outside any plan); then ctrl3, a backup, leaves: the plan says 0 to 1, 0 happen, " +
      "and holder.sh puts ctrl2, not the inventory's primary, last",
    async () => {
      // restart keepalived on ctrl1: it gives the VIPs up (priority 0), ctrl2 takes them, ctrl1 comes back as a backup (nopreempt)
      const drill = masters();
      expect(sh("ctrl1", `systemctl restart ${KEEPALIVED}`).code).toBe(0);
      expect(await settle()).toEqual(["ctrl2"]);
      expect(sum(masters()) - sum(drill)).toBe(1);
      holderPid = keepalivedPid("ctrl2");
      expect(holderPid).toMatch(/^\d+$/);
      const before = masters();
      expect(topo.sh("ctrl3", "ip -n vrouter -br addr show dev vr-mgmt").stdout).not.toContain(MGMT_VIP);
      const p = transitionStage("leave", V4, V5, ["ctrl1", "ctrl2", "ctrl4"]);
      expect([p.min, p.max]).toEqual([0, 1]);
      // the plan's static order ends with the preferred member; asked at run time, ctrl2 holds the VIPs and goes last
      expect(/^run order: (.*)$/m.exec(p.stdout)![1]).toBe("ctrl3, ctrl2, ctrl4, ctrl1");
      expect(p.ran).toEqual(["ctrl3", "ctrl4", "ctrl1", "ctrl2"]);
      expect(topo.sh("ctrl3", "ip netns list").stdout).not.toContain("vrouter");
      await stageEnds(before, p.min, "ctrl2", holderPid);
    },
    300_000,
  );

  it("a new gateway rolled out by apply.yml over every member: backups one at a time, the holder last, each by reload; 0 moves", async () => {
    const before = masters();
    const p = plan("gateway", V5, V6);
    expect([p.min, p.max]).toEqual([0, 0]);
    expect(p.stdout).toContain("changed  services vrouter-vrouter-keepalived  [");
    const r = play(sites.v6!, "gateway apply.yml --tags services, ctrl1, ctrl2, ctrl4");
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const split = r.stdout.indexOf("PLAY [Router members that hold a VIP");
    const [backups, holders] = [r.stdout.slice(r.stdout.indexOf("PLAY [Router members that hold no VIP"), split), r.stdout.slice(split)];
    // the play asked: ctrl2 holds the VIPs (since the drill), so it runs last, after ctrl1 and ctrl4 one at a time
    expect(holders).toContain("changed: [ctrl2]");
    for (const h of ["ctrl1", "ctrl4"]) expect(backups, h).toContain(`changed: [${h}]`);
    expect(backups).not.toContain("[ctrl2]");
    // keepalived.conf changed on the holder: reloaded by SIGHUP (the same process), its default route now via the new gateway
    await stageEnds(before, p.max, "ctrl2", holderPid);
    expect(topo.must("ctrl2", "ip -n vrouter route show default")).toContain("default via 172.16.0.254 dev vr-ex");
  }, 600_000);

  it("the transfer through the VIP, running throughout, completes byte-exact without a reset", async () => {
    flow.unthrottle();
    const done = await poll(300, 200, () => flow.progress().done || flow.progress().reset);
    expect(done).toBe(true);
    const got = flow.progress();
    const sent = await poll(50, 100, () => flow.sender());
    expect(got).toMatchObject({ done: true, reset: false, bytes: BYTES });
    expect(got.sha256).toBe(sent!.sha256);
    expect(readFileSync(join(tmp, "recv-5601.log"), "utf8")).toBe("");
  }, 120_000);
});
