// VIP failover of the virtual router (issue 4, section 4), entirely inside network namespaces this
// test creates and deletes: out/fuel-env's own runtime scripts, and keepalived and conntrackd started
// with their units' own command lines and configs, on three simulated controllers (the topology of
// vrouter-netns.test.ts). A throttled TCP transfer from the public-less node cmp1 to an upstream goes
// through the management VIP and the NAT; the active controller dies (its keepalived is killed with
// SIGKILL and its router legs go down); the transfer must finish without a reset through the new
// active controller, whose conntrack table holds the entry conntrackd synced. Then a graceful
// handover (keepalived stopped), a control run that shows the flow dies without the synced entry,
// and the rollback to the snapshots; the audit's VRRP gate passes before anything runs and while only
// members advertise, and stops on a foreign router using the same ID. The VIP move times are printed
// for docs/performance.md and docs/testing.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";
import { Topology } from "../helpers/vrouter-topology.js";
import { flowIn as natted, poll, sleep, transfer as stream } from "../helpers/transfer.js";
import { HOST_SH, hostCmd, installedCopies, installedCopy } from "../helpers/gen.js";

const MGMT_VIP = "192.168.0.2";
const PUBLIC_VIP = "172.16.0.2";
const NODE = "192.168.0.21";
const TARGET = "198.51.100.80"; // the download's other end, behind the upstream router
const SECRET = "Fx7.pw_9"; // 8 characters: what the vault variable would hold
const VAULT_VAR = "vault_fuel_env_vrrp_pass";
const ROOT_IN_HOST = "/run/sg"; // per controller: its /run is private (a tmpfs in its own mount namespace)

/** fuel-env as committed (three members: conntrackd NOTRACK), and with two members (FTFW). */
const VARIANTS = [
  { label: "three members, conntrackd NOTRACK", controllers: ["ctrl1", "ctrl2", "ctrl3"], mode: "NOTRACK", audit: true, edit: (t: string) => t },
  {
    label: "two members, conntrackd FTFW",
    controllers: ["ctrl1", "ctrl2"],
    mode: "FTFW",
    audit: false,
    edit: (t: string) => t.replace(/^ {6}- \{ host: ctrl3, address: [^\n]*\n/m, ""),
  },
];

describe.each(VARIANTS)(
  "VIP failover with conntrackd state sync (fuel-env, keepalived, $label) in network namespaces",
  ({ label, controllers: CONTROLLERS, mode, audit, edit }) => {
    const topo = new Topology(`sfo${process.pid % 1000}${CONTROLLERS.length}`);
    const tmp = mkdtempSync(join(tmpdir(), "sitegen-failover-"));
    const measured: Record<string, number[]> = {};
    const note = (k: string, ms: number) => {
      (measured[k] ??= []).push(Math.round(ms));
    };
    let site = "";
    const hostDir = (h: string) => join(site, "hosts", h);
    const conf = (name: string) => `${ROOT_IN_HOST}/etc/sitegen/vrouter/${name}`;
    const before: Record<string, unknown> = {};
    const snapAll = () => Object.fromEntries(["sw", "up", "cmp1", ...CONTROLLERS].map((w) => [w, topo.snapshot(w)]));
    const holds = (h: string) =>
      topo.sh(h, `ip -n vrouter -br addr show dev vr-mgmt | grep -qw ${MGMT_VIP} && ip -n vrouter -br addr show dev vr-ex | grep -qw ${PUBLIC_VIP}`).code === 0;
    const holdsAny = (h: string) => topo.sh(h, `ip -n vrouter -br addr | grep -qwE '${MGMT_VIP}|${PUBLIC_VIP}'`).code === 0;
    const holders = () => CONTROLLERS.filter(holdsAny);
    const daemons = new Map<string, { keepalived?: number; conntrackd?: number }>();

    /** The copies of the files the host installs in /etc/sitegen/vrouter/, copied to this controller's (cp -a each). */
    const vrouterCopies = (h: string) =>
      [...installedCopies(hostDir(h))]
        .filter(([dest]) => dest.startsWith("/etc/sitegen/vrouter/"))
        .map(([dest, copy]) => `cp -a ${copy} ${conf(basename(dest))}`)
        .join(" && ");
    /** The unit's ExecStart, pointed at this controller's copy of /etc/sitegen/vrouter. */
    const execStart = (h: string, unit: string) =>
      /^ExecStart=(.*)$/m
        .exec(readFileSync(installedCopy(hostDir(h), `/etc/systemd/system/${unit}`), "utf8"))![1]!
        .split(" ")
        .map((w) => w.replace("/etc/sitegen/vrouter/", conf("")));

    function startDaemon(h: string, d: "keepalived" | "conntrackd"): void {
      topo.must(h, `mkdir -p /run/sitegen-vrouter-${d}`); // what RuntimeDirectory= does
      const p = topo.start(h, execStart(h, `sitegen-vrouter-${d}.service`), join(tmp, `${h}-${d}.log`));
      daemons.set(h, { ...daemons.get(h), [d]: p.pid! });
    }

    /** SIGKILL keepalived on h, parent and its VRRP child (read from its pid file, checked to be the parent's child). */
    function killKeepalived(h: string): void {
      const parent = daemons.get(h)!.keepalived!;
      const child = Number(topo.must(h, "cat /run/sitegen-vrouter-keepalived/vrrp.pid").trim());
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${child}/status`, "utf8"))![1]);
      expect(ppid, "the VRRP process is the child of the keepalived we started").toBe(parent);
      process.kill(child, "SIGKILL");
      process.kill(parent, "SIGKILL");
    }

    const ct = (h: string, args: string) => topo.sh(h, `ip netns exec vrouter conntrackd -C ${conf("conntrackd.conf")} ${args}`);
    /** conntrackd -e lists the original direction only. */
    const synced = (h: string, port: number) => new RegExp(`src=${NODE} dst=${TARGET} sport=\\d+ dport=${port} `).test(ct(h, "-e").stdout);
    /** A kernel entry of the flow, NATed to the public VIP. */
    const flowIn = (text: string, port: number) => natted(text, NODE, TARGET, port, PUBLIC_VIP);

    /** A throttled transfer from cmp1 to the upstream (its receiver starts now, the sender with start()). */
    const transfer = (port: number, bytes: number, rate: number) => stream(topo, tmp, { from: "cmp1", to: "up", target: TARGET, port, bytes, rate });

    /** The time from t0 (ms since the epoch) until h holds both VIPs, polled every 20 ms for at most 15 s. */
    async function vipMove(h: string, t0: number): Promise<number> {
      const ok = await poll(750, 20, () => holds(h));
      const logs = () =>
        CONTROLLERS.map(
          (c) =>
            `--- ${c} keepalived\n${readFileSync(join(tmp, `${c}-keepalived.log`), "utf8")
              .split("\n")
              .slice(-12)
              .join("\n")}`,
        ).join("\n");
      expect(ok, `${h} did not take the VIPs within 15 s; holders: ${holders().join(", ")}\n${ok ? "" : logs()}`).toBe(true);
      return Date.now() - t0;
    }

    /** When h's notify script last recorded `primary` (ms since the epoch). */
    const primaryAt = (h: string) => {
      const lines = topo
        .must(h, "cat /run/sitegen-vrouter-keepalived/transitions 2>/dev/null || true")
        .trim()
        .split("\n")
        .filter((l) => l.endsWith(" primary"));
      return lines.length ? Number(lines[lines.length - 1]!.split(" ")[0]) * 1000 : 0;
    };

    beforeAll(async () => {
      requireRootNetns();
      for (const t of ["nsenter", "unshare", "nft", "keepalived", "conntrackd", "conntrack"]) requireTool(t);
      site = buildVariant(tmp, "ha", edit(fuelEnvText()));
      expect(readFileSync(installedCopy(hostDir("ctrl1"), "/etc/sitegen/vrouter/conntrackd.conf"), "utf8")).toContain(`Mode ${mode} {`);
      topo.switch();
      await topo.controllers(CONTROLLERS);
      topo.leaf("cmp1", "eth1", "mgmt");
      topo.must("cmp1", `ip addr add ${NODE}/24 dev eth1 && ip route add default via ${MGMT_VIP}`);
      // upstream: the public gateway, and behind it (on lo) the download's other end; no route to the management network
      topo.leaf("up", "eth0", "pub");
      topo.must("up", `ip addr add 172.16.0.1/24 dev eth0 && ip addr add ${TARGET}/32 dev lo`);
      Object.assign(before, snapAll());
    }, 120_000);

    afterAll(async () => {
      await topo.teardown();
      rmSync(tmp, { recursive: true, force: true });
      console.log(`vrouter failover times (ms), ${label}: ${JSON.stringify(measured)}`);
    });

    /** host.sh audit on h: its exit code and its V6 (VRRP segment) line. */
    const auditV6 = (h: string) => {
      const r = topo.sh(h, hostCmd(hostDir(h), "audit"));
      return {
        code: r.code,
        v6: r.stdout
          .split("\n")
          .filter((l) => / V6 /.test(l))
          .join("\n"),
        out: r.stdout + r.stderr,
      };
    };

    // the audit (it listens for VRRP adverts for 4 s per controller) runs in the first variant only
    if (audit)
      it("the audit passes on every controller before anything runs (V6 hears no VRRP adverts with ID 52)", () => {
        for (const h of CONTROLLERS) {
          const a = auditV6(h);
          expect(a.code, `${h}\n${a.out}`).toBe(0);
          expect(a.v6).toBe(
            [
              "PASS V6 vrid 52: no adverts with this ID",
              "PASS V6 192.168.0.2: no answer to a duplicate-address probe on br-mgmt (ARP/NS, which dropping ping does not hide)",
              "PASS V6 172.16.0.2: no answer to a duplicate-address probe on br-ex (ARP/NS, which dropping ping does not hide)",
            ].join("\n"),
          );
        }
      }, 60_000);

    it("applies the runtime phase on every controller: no member holds a VIP yet, each has the low-priority route", () => {
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "apply runtime"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
        expect(topo.must(h, "ip -n vrouter route show default")).toContain(`default via ${MGMT_VIP} dev vr-mgmt metric 10000`);
        expect(topo.must(h, "ip netns exec vrouter cat /proc/sys/net/netfilter/nf_conntrack_tcp_loose").trim()).toBe("0");
      }
      expect(holders()).toEqual([]);
    });

    it("writes the VRRP password from the environment as host.sh apply does (0600), and it is nowhere in out/", () => {
      const line = /^\s*(install_secret .*?) \|\| return 1$/m.exec(readFileSync(join(hostDir("ctrl1"), HOST_SH), "utf8"))![1]!;
      for (const h of CONTROLLERS) {
        topo.must(h, `mkdir -p ${conf("")} && chmod 755 /run && ${vrouterCopies(h)} && sed -i 's#/etc/sitegen/vrouter/#${conf("")}#g' ${conf("*")}`);
        const unset = topo.sh(h, `SITEGEN_ROOT=${ROOT_IN_HOST} bash -c '. ${hostDir(h)}/../../../engine/lib.sh; ${line.replace(/'/g, `'\\''`)}'`);
        expect(unset.code).not.toBe(0);
        expect(unset.stdout).toContain(`${VAULT_VAR} is not set`);
        const r = topo.sh(
          h,
          `SITEGEN_ROOT=${ROOT_IN_HOST} ${VAULT_VAR}='${SECRET}' bash -c '. ${hostDir(h)}/../../../engine/lib.sh; ${line.replace(/'/g, `'\\''`)}'`,
        );
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).not.toContain(SECRET);
        expect(topo.must(h, `stat -c %a ${conf("vrrp-auth.conf")}; cat ${conf("vrrp-auth.conf")}`)).toBe(`600\n$VRRP_AUTH_PASS=${SECRET}\n`);
      }
      expect(() => execFileSync("grep", ["-rl", SECRET, site])).toThrow(); // grep exits 1: not found
    });

    it("keepalived -t accepts every member's configuration (with the password) inside its namespace", () => {
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, `ip netns exec vrouter keepalived -t -l --all-config -f ${conf("keepalived.conf")}`);
        expect(r.stdout + r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
    });

    it("starts conntrackd, then keepalived, on every controller: ctrl1 (priority 150) takes both VIPs and the upstream route", async () => {
      for (const h of CONTROLLERS) startDaemon(h, "conntrackd");
      for (const h of CONTROLLERS) {
        const up = await poll(50, 100, () => ct(h, "-s runtime").code === 0);
        expect(up, `${h}: conntrackd does not answer`).toBe(true);
      }
      const t0 = Date.now();
      for (const h of CONTROLLERS) startDaemon(h, "keepalived");
      note("initial election", await vipMove("ctrl1", t0));
      await sleep(500);
      expect(holders()).toEqual(["ctrl1"]);
      expect(topo.must("ctrl1", "ip -n vrouter route show default")).toMatch(/^default via 172\.16\.0\.1 dev vr-ex/m);
      expect(topo.sh("cmp1", `ping -c2 -W2 -q ${TARGET}`).code).toBe(0);
    }, 60_000);

    if (audit)
      it("the audit's VRRP gate: members' adverts pass, a foreign router with the same ID stops the change", async () => {
        const ours = auditV6("ctrl2");
        expect(ours.code, ours.out).toBe(0);
        expect(ours.v6).toMatch(/^PASS V6 vrid 52: only members advertise it \(192\.168\.0\.3\): the router already runs/);
        // a foreign VRRP router on the management segment (cmp1) with the same ID: what Kolla's 51 would be
        const conf = join(tmp, "foreign-keepalived.conf");
        execFileSync("sh", [
          "-c",
          `printf '%s\\n' 'vrrp_instance foreign {' ' state BACKUP' ' interface eth1' ' virtual_router_id 52' ' priority 50' ' advert_int 1' ' virtual_ipaddress {' '  192.168.0.99/24' ' }' '}' > ${conf}`,
        ]);
        // its own /run (pid files), in a mount namespace of its own
        const foreign = topo.start(
          "cmp1",
          [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            `mount -t tmpfs tmpfs /run && exec keepalived --dont-fork --log-console --vrrp -f ${conf}`,
          ],
          join(tmp, "foreign-keepalived.log"),
        );
        try {
          const stopped = await poll(3, 1000, () => {
            const a = auditV6("ctrl2");
            return a.code === 1 ? a : undefined;
          });
          expect(stopped, "the audit did not stop on the foreign router").toBeDefined();
          expect(stopped!.v6).toMatch(/^STOP V6 vrid 52: VRRP adverts with this ID come from 192\.168\.0\.21, which is not a member/);
        } finally {
          await topo.stop(foreign);
        }
        expect(holders()).toEqual(["ctrl1"]);
      }, 60_000);

    it("a throttled transfer from cmp1 through the VIP and NAT survives the death of the active controller", async () => {
      const size = 3 * 1024 * 1024;
      const t = transfer(5001, size, 256 * 1024); // about 12 s
      await t.start();
      expect(await poll(100, 100, () => t.progress().bytes > 512 * 1024), "the transfer does not progress").toBe(true);
      // before the failure: ctrl1 tracks the NATed flow, and the backups hold it in conntrackd's external cache
      expect(flowIn(topo.must("ctrl1", "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), 5001)).toBe(true);
      for (const h of CONTROLLERS.filter((c) => c !== "ctrl1")) {
        expect(await poll(30, 100, () => synced(h, 5001)), `${h}'s conntrackd has not received the flow`).toBe(true);
        expect(flowIn(topo.must(h, "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), 5001), `${h}'s kernel table must not have it yet`).toBe(false);
      }
      // the active controller dies: VRRP stops (SIGKILL, no goodbye advert) and its legs fall silent
      const got = t.progress().bytes;
      const t0 = Date.now();
      killKeepalived("ctrl1");
      topo.must("ctrl1", "ip -n vrouter link set vr-mgmt down && ip -n vrouter link set vr-ex down");
      note("hard failure: VIPs on ctrl2", await vipMove("ctrl2", t0));
      const notified = await poll(50, 100, () => primaryAt("ctrl2"));
      note("hard failure: keepalived called notify primary on ctrl2", notified - t0);
      expect(holders().filter((h) => h !== "ctrl1")).toEqual(["ctrl2"]);
      const end = await poll(600, 100, () => {
        const p = t.progress();
        return p.done || p.reset || p.error ? p : undefined;
      });
      expect(end, "the transfer did not finish within 60 s").toBeDefined();
      expect(end!.reset).toBe(false);
      expect(end!.error).toBe("");
      expect(end!.done).toBe(true);
      expect(end!.bytes).toBe(size);
      expect(got).toBeLessThan(size);
      const sent = await poll(50, 100, () => t.sender());
      expect(sent).toEqual({ bytes: size, sha256: end!.sha256, error: "" });
      // the new active member's kernel table holds the synced entry: same node port, same NAT to the public VIP
      expect(flowIn(topo.must("ctrl2", "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), 5001)).toBe(true);
    }, 90_000);

    it("a graceful handover (keepalived stopped on the active member) is near-instant, and the flow survives it", async () => {
      // ctrl1 comes back as a freshly booted member would: legs up, its keepalived starts as a backup (nopreempt)
      topo.must("ctrl1", "ip -n vrouter link set vr-mgmt up && ip -n vrouter link set vr-ex up");
      startDaemon("ctrl1", "keepalived");
      await sleep(4000);
      expect(holders()).toEqual(["ctrl2"]);
      const size = 2 * 1024 * 1024;
      const t = transfer(5002, size, 256 * 1024);
      await t.start();
      expect(await poll(100, 100, () => t.progress().bytes > 512 * 1024)).toBe(true);
      expect(await poll(30, 100, () => synced("ctrl1", 5002)), "ctrl1's conntrackd has not received the flow").toBe(true);
      const t0 = Date.now();
      process.kill(daemons.get("ctrl2")!.keepalived!, "SIGTERM");
      note("graceful stop: VIPs on ctrl1", await vipMove("ctrl1", t0));
      const end = await poll(150, 100, () => {
        const p = t.progress();
        return p.done || p.reset || p.error ? p : undefined;
      });
      if (!end) {
        for (const h of CONTROLLERS)
          console.log(
            h,
            topo.sh(
              h,
              `ip -n vrouter -br addr; ip -n vrouter route; ip netns exec vrouter conntrack -L -p tcp; cat /run/sitegen-vrouter-keepalived/transitions; ip netns exec vrouter nft list ruleset | grep -i count; ip netns exec vrouter conntrackd -C ${conf("conntrackd.conf")} -e; ip netns exec vrouter conntrack -S`,
            ).stdout,
          );
        console.log(JSON.stringify(t.progress()), topo.sh("up", "ip neigh").stdout, topo.sh("cmp1", "ip neigh; ss -tni").stdout);
        console.log(
          readFileSync(join(tmp, "ctrl1-conntrackd.log"), "utf8").slice(-3000),
          ct("ctrl1", "-s cache").stdout,
          ct("ctrl1", "-s network").stdout,
          ct("ctrl1", "-i").stdout,
        );
      }
      expect(end).toMatchObject({ done: true, reset: false, error: "", bytes: size });
      expect(flowIn(topo.must("ctrl1", "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), 5002)).toBe(true);
      expect(holders()).toEqual(["ctrl1"]);
    }, 90_000);

    it("control: without conntrackd on the backups the same failure kills the flow (the sync is what keeps it)", async () => {
      // ctrl2 back as a backup; conntrackd stopped on the backups, so nothing is synced to them
      startDaemon("ctrl2", "keepalived");
      await sleep(4000);
      expect(holders()).toEqual(["ctrl1"]);
      for (const h of CONTROLLERS.filter((c) => c !== "ctrl1")) process.kill(daemons.get(h)!.conntrackd!, "SIGTERM");
      const t = transfer(5003, 2 * 1024 * 1024, 256 * 1024);
      await t.start();
      expect(await poll(100, 100, () => t.progress().bytes > 256 * 1024)).toBe(true);
      const t0 = Date.now();
      killKeepalived("ctrl1");
      topo.must("ctrl1", "ip -n vrouter link set vr-mgmt down && ip -n vrouter link set vr-ex down");
      note("control: VIPs on ctrl2", await vipMove("ctrl2", t0));
      const at = t.progress().bytes;
      await sleep(8000);
      const later = t.progress();
      expect(later.done).toBe(false);
      expect(later.bytes - at, "no byte may pass without the synced entry").toBeLessThan(64 * 1024);
      expect(flowIn(topo.must("ctrl2", "ip netns exec vrouter conntrack -L -p tcp 2>/dev/null"), 5003)).toBe(false);
    }, 60_000);

    it("after stopping every daemon, host.sh rollback runtime restores every namespace exactly", async () => {
      await topo.stopMatching(() => true);
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "rollback runtime"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
        topo.must(h, `rm -rf ${ROOT_IN_HOST} /run/sitegen-vrouter-keepalived /run/sitegen-vrouter-conntrackd`);
      }
      const same = await poll(30, 100, () => JSON.stringify(snapAll()) === JSON.stringify(before));
      expect(same ? before : snapAll()).toEqual(before);
    }, 60_000);
  },
);
