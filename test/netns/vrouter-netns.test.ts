// The virtual router round trip (issue 3, section 4), entirely inside network namespaces this test
// creates and deletes: fuel-env's own runtime scripts and daemon command lines, run on three
// simulated controllers, serve a public-less node; then the rollback leaves every namespace as it was.
// fuel-env without its 'ha:' block: the VIPs sit statically on the primary (failover with keepalived
// and conntrackd is vrouter-failover.test.ts, on the committed fuel-env).
// Linux bridges only: this kernel has no openvswitch module. The OVS variant (internal ports) runs
// in the guest kernel: test/guest/vrouter-ovs.test.ts.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildVariant, fuelEnvText, withoutHa } from "../helpers/variant.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { ntpQuery, Topology } from "../helpers/vrouter-topology.js";
import { hostCmd, installedCopies, installedCopy } from "../helpers/gen.js";

const CONTROLLERS = ["ctrl1", "ctrl2", "ctrl3"];
const UPSTREAM_DNS = ["198.51.100.53", "198.51.100.54"];
const UPSTREAM_NTP = ["198.51.100.123", "198.51.100.124"];
const MGMT_VIP = "192.168.0.2";
const PUBLIC_VIP = "172.16.0.2";
const times: Record<string, number> = {};

async function timed<T>(label: string, f: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    times[label] = Math.round(performance.now() - t0);
  }
}

/** Poll f up to n times, delay ms apart; returns the first truthy value (or the last falsy one). */
async function poll<T>(n: number, ms: number, f: () => T): Promise<T> {
  let v = f();
  for (let i = 1; i < n && !v; i++) {
    await new Promise((r) => setTimeout(r, ms));
    v = f();
  }
  return v;
}

describe("virtual router round trip in network namespaces (fuel-env)", () => {
  const topo = new Topology(`svr${process.pid % 1000}`);
  const tmp = mkdtempSync(join(tmpdir(), "sitegen-vr-"));
  let site = "";
  const hostDir = (h: string) => join(site, "hosts", h);
  const before: Record<string, unknown> = {};
  let nodeConfig: { address: string; via: string; nameserver: string };

  const snapAll = () => Object.fromEntries(["sw", "up", "cmp1", ...CONTROLLERS].map((w) => [w, topo.snapshot(w)]));

  beforeAll(async () => {
    requireRootNetns();
    for (const t of ["nsenter", "unshare", "nft", "dnsmasq", "chronyd", "dig", "ping", "conntrack"]) requireTool(t);
    site = buildVariant(tmp, "static", withoutHa(fuelEnvText()));
    // the node applies exactly what its generated network-config says
    const nc = parse(readFileSync(join(hostDir("cmp1"), "cloud-init/network-config"), "utf8")).network.bridges["br-mgmt"];
    nodeConfig = { address: nc.addresses[0], via: nc.routes[0].via, nameserver: nc.nameservers.addresses[0] };

    await timed("topology", async () => {
      topo.switch();
      await topo.controllers(CONTROLLERS);
      topo.leaf("cmp1", "eth1", "mgmt");
      topo.must(
        "cmp1",
        `ip link add br-mgmt type bridge && ip link set eth1 master br-mgmt && ip link set br-mgmt up && ip addr add ${nodeConfig.address} dev br-mgmt && ip route add default via ${nodeConfig.via}`,
      );
      topo.upstream(tmp, "172.16.0.1", UPSTREAM_DNS, UPSTREAM_NTP);
    });
    Object.assign(before, snapAll());
  }, 120_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
    // measured times, for docs/testing.md
    console.log(`vrouter round trip times (ms): ${JSON.stringify(times)}`);
  });

  it("audit passes on every controller before anything is applied", async () => {
    await timed("audit", () => {
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "audit"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stdout).not.toMatch(/^STOP/m);
        expect(r.stdout).toContain(`PASS V3 vrouter: free`);
      }
    });
  });

  it("checkpoint semantics: when a step fails midway, the completed steps are undone and the host is as it was", async () => {
    // ctrl3 without br-ex: the namespace and the management leg go in, the public leg fails
    topo.must("ctrl3", "ip link set br-ex down && ip link set br-ex name br-ex-away");
    try {
      const r = topo.sh("ctrl3", hostCmd(hostDir("ctrl3"), "apply runtime"));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("!! rolling back: inverses of 3 step(s), newest first");
      expect(topo.must("ctrl3", "ip netns list")).toBe("");
    } finally {
      topo.must("ctrl3", "ip link set br-ex-away name br-ex && ip link set br-ex up");
    }
    // br-ex regains its carrier a moment after it is up again
    const same = await poll(30, 100, () => JSON.stringify(topo.snapshot("ctrl3")) === JSON.stringify(before.ctrl3));
    expect(same ? before.ctrl3 : topo.snapshot("ctrl3")).toEqual(before.ctrl3);
  });

  it("host.sh apply runtime succeeds on every controller, and a second run changes nothing", async () => {
    await timed("apply", () => {
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "apply runtime"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    });
    const inner = () => Object.fromEntries(CONTROLLERS.map((h) => [h, { host: topo.snapshot(h), vrouter: topo.snapshot(h, "vrouter") }]));
    const once = { ...inner(), rest: snapAll() };
    await timed("apply-again", () => {
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "apply runtime"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    });
    expect({ ...inner(), rest: snapAll() }).toEqual(once);
    // the namespace forwards; the hosts themselves were not asked to
    expect(topo.must("ctrl1", "ip netns exec vrouter cat /proc/sys/net/ipv4/ip_forward").trim()).toBe("1");
    expect(topo.must("ctrl1", "cat /proc/sys/net/ipv4/ip_forward").trim()).toBe("0");
    // the audit is idempotent too: what it finds now is ours
    const a = topo.sh("ctrl1", hostCmd(hostDir("ctrl1"), "audit"));
    expect(a.code, a.stdout).toBe(0);
    expect(a.stdout).toContain("already present with vr-mgmt");
  });

  it("boot.sh (what the boot unit runs) rebuilds a controller whose runtime state is gone, and changes nothing on a live one", async () => {
    // recreated links get new indexes and random MACs (a bridge takes its ports' lowest), as after a real reboot
    const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
    const stable = (x: unknown) =>
      JSON.parse(JSON.stringify(x, (k, v) => (["ifindex", "link_index"].includes(k) || (typeof v === "string" && MAC.test(v)) ? undefined : v)));
    const inner = (h: string) => stable({ host: topo.snapshot(h), vrouter: topo.snapshot(h, "vrouter") });
    const boot = (h: string) => topo.sh(h, `bash ${installedCopy(hostDir(h), "/etc/sitegen/vrouter/boot.sh")}`);
    for (const h of ["ctrl1", "ctrl2"]) {
      const applied = inner(h);
      // what a reboot leaves: no namespace, no legs (host.sh rollback runtime removes exactly the runtime state)
      expect(topo.sh(h, hostCmd(hostDir(h), "rollback runtime")).code).toBe(0);
      expect(topo.must(h, "ip netns list")).toBe("");
      const r = await timed(`boot-${h}`, () => boot(h));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("vrouter: namespace and its legs, addresses, routes and rules are in place");
      // link state settles a moment after the legs come up
      const same = await poll(30, 100, () => JSON.stringify(inner(h)) === JSON.stringify(applied));
      expect(same ? applied : inner(h)).toEqual(applied);
      expect(boot(h).code).toBe(0);
      expect(inner(h)).toEqual(applied);
    }
  });

  it("host.sh verify passes everything but the systemd units (no systemd in the test)", () => {
    for (const h of CONTROLLERS) {
      const r = topo.sh(h, hostCmd(hostDir(h), "verify"));
      const fails = r.stdout.split("\n").filter((l) => l.startsWith("FAIL"));
      expect(
        fails.every((l) => /sitegen-vrouter-(dnsmasq|chrony|boot)\.service is not enabled/.test(l)),
        r.stdout,
      ).toBe(true);
      expect(r.stdout).toMatch(/^ok {3}route default via/m);
    }
  });

  /** A word that names a file the host installs (--conf-file=/etc/...), pointed at its copy in files/. */
  const inCopies = (dir: string, w: string) => {
    const hit = [...installedCopies(dir)].find(([dest]) => w.endsWith(dest));
    return hit ? w.slice(0, w.length - hit[0].length) + hit[1] : w;
  };

  it("starts dnsmasq and chronyd in every vrouter namespace with the units' own command lines", async () => {
    await timed("daemons", async () => {
      for (const h of CONTROLLERS) {
        for (const d of ["dnsmasq", "chrony"]) {
          const unit = readFileSync(installedCopy(hostDir(h), `/etc/systemd/system/sitegen-vrouter-${d}.service`), "utf8");
          const exec = /^ExecStart=(.*)$/m
            .exec(unit)![1]!
            .split(" ")
            .map((w) => inCopies(hostDir(h), w));
          const rt = /^RuntimeDirectory=(.*)$/m.exec(unit)?.[1];
          if (rt) topo.must(h, `mkdir -p /run/${rt}`); // what systemd does for the unit
          topo.start(h, d === "chrony" ? [...exec, "-l", `${tmp}/${h}-chrony.log`] : exec, `${tmp}/${h}-${d}.out`);
        }
      }
      // every member, holder of the VIP or not, listens on the management VIP (non-local bind)
      for (const h of CONTROLLERS) {
        const ok = await poll(
          50,
          100,
          () =>
            topo.sh(
              h,
              `ip netns exec vrouter ss -Hlnu 'sport = :53' | grep -q '${MGMT_VIP}:53' && ip netns exec vrouter ss -Hlnu 'sport = :123' | grep -q '${MGMT_VIP}:123'`,
            ).code === 0,
        );
        expect(ok, `${h}: dnsmasq or chronyd not listening on ${MGMT_VIP}`).toBe(true);
      }
    });
  });

  it("the node reaches the upstream through the management VIP, NATed to the public VIP", async () => {
    await timed("ping-nat", () => {
      const r = topo.sh("cmp1", `ping -c2 -W2 -q ${UPSTREAM_DNS[0]}`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
    const ct = topo.must("ctrl1", "ip netns exec vrouter conntrack -L -p icmp 2>/dev/null");
    // original direction from the node's own address, reply direction addressed to the public VIP
    expect(ct).toMatch(new RegExp(`src=${nodeConfig.address.split("/")[0]} dst=${UPSTREAM_DNS[0]} .*src=${UPSTREAM_DNS[0]} dst=${PUBLIC_VIP} `));
  });

  it("a member without the VIPs reaches out through the low-priority route via the VIP holder", () => {
    const r = topo.sh("ctrl2", `ip netns exec vrouter ping -c1 -W2 -q ${UPSTREAM_DNS[0]}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(topo.must("ctrl2", "ip -n vrouter route show default")).toContain(`via ${MGMT_VIP} dev vr-mgmt metric 10000`);
  });

  it("dnsmasq answers the node's DNS query through the VIP", async () => {
    const answer = await timed("dns", () =>
      poll(10, 300, () => topo.sh("cmp1", `dig +time=2 +tries=1 +short @${nodeConfig.nameserver} upstream.test A`).stdout.trim()),
    );
    expect(answer).toBe("203.0.113.7");
  });

  it("chronyd answers the node's NTP query through the VIP, synced to the upstream", async () => {
    const q = () => JSON.parse(topo.must("cmp1", ntpQuery(MGMT_VIP)) || "{}") as { mode?: number; stratum?: number; refid?: string };
    // iburst: a few seconds until the namespace's chronyd has selected the upstream (stratum 3 + 1)
    const r = await timed("ntp-sync", () =>
      poll(40, 500, () => {
        const x = q();
        return x.stratum === 4 ? x : undefined;
      }),
    );
    expect(r, "no synchronised NTP answer from the VIP within 20 s").toBeDefined();
    expect(r!.mode).toBe(4);
    expect(UPSTREAM_NTP).toContain(r!.refid);
  });

  it("refuses DNS and NTP to an address outside the management network", () => {
    // a temporary route so the upstream (172.16.0.1, not management) can address the management VIP
    topo.must("up", `ip route add 192.168.0.0/24 via ${PUBLIC_VIP}`);
    try {
      const dns = topo.sh("up", `dig +time=2 +tries=1 @${MGMT_VIP} upstream.test A`);
      expect(dns.code).not.toBe(0);
      expect(dns.stdout).not.toContain("203.0.113.7");
      expect(dns.stdout).toMatch(/refused|communications error|no servers could be reached/i);
      expect(JSON.parse(topo.must("up", ntpQuery(MGMT_VIP)))).toEqual({});
    } finally {
      topo.must("up", `ip route del 192.168.0.0/24 via ${PUBLIC_VIP}`);
    }
  });

  it("after stopping the daemons, host.sh rollback runtime restores every namespace exactly, and is safe to repeat", async () => {
    await timed("rollback", async () => {
      await topo.stopMatching((argv) => argv.includes("vrouter"));
      for (const h of CONTROLLERS) {
        const r = topo.sh(h, hostCmd(hostDir(h), "rollback runtime"));
        expect(r.code, `${h}\n${r.stdout}${r.stderr}`).toBe(0);
      }
    });
    expect(snapAll()).toEqual(before);
    for (const h of CONTROLLERS) {
      const r = topo.sh(h, hostCmd(hostDir(h), "rollback runtime"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(snapAll()).toEqual(before);
  });
});
