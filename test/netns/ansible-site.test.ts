// A fuel-env site through its generated Ansible in ONE ansible-playbook run over every host at once,
// reached over ssh (test/helpers/fleet.ts). To fit the CI budget the site is fuel-env without ctrl3:
// two router members (still VRRP and conntrackd sync between them) and two compute nodes (two
// batches), each a simulated host (systemd as PID 1, its own sshd, private /run, /etc and /var on its
// disk); an upstream with the public gateway, a DNS and an NTP server. One fleet serves every case, in
// order. All phases run: the vrouter namespace and NAT, the services (dnsmasq, chronyd -x, conntrackd,
// keepalived) as units of the host's systemd, the serving gate, the nodes' takeover. One stand-in is
// left (test/helpers/bin/netplan): `netplan apply` needs udevadm and systemd-networkd, and udev is not
// installed here; it runs the real `netplan generate` and makes the routes of its networkd output live.
// Nodes run their own chronyd -x (never the clock).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { token } from "../helpers/ansible.js";
import { Fleet, requireSshd, type FleetRun } from "../helpers/fleet.js";
import { gen, ROOT } from "../helpers/gen.js";
import { requireRootNetns, requireTool, run } from "../helpers/tools.js";
import { hostTempDir } from "../helpers/sim-host.js";
import { Topology } from "../helpers/vrouter-topology.js";

/** The netplan stand-in, first in the nodes' PATH (see above). */
const BIN = join(ROOT, "test/helpers/bin");
const CONTROLLERS = ["ctrl1", "ctrl2"];
const NODES = ["cmp1", "cmp2"];
const HOSTS = [...CONTROLLERS, ...NODES];
const VAULT = ["-e", "vault_fuel_env_vrrp_pass=sitegen1"];
const times: string[] = [];
const out = (r: FleetRun) => `${r.stdout}\n${r.stderr}`;
const mgmtOf = (h: string) => (CONTROLLERS.includes(h) ? `192.168.0.1${CONTROLLERS.indexOf(h) + 1}` : `192.168.0.2${NODES.indexOf(h) + 1}`);

/** inventories/fuel-env.yaml without ctrl3 (host, attachments, router member), compiled into dir/out/fuel-env. */
function smallFuelEnv(dir: string): string {
  const inv = parse(readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8"));
  const keep = (x: { host?: string; name?: string }) => (x.host ?? x.name) !== "ctrl3";
  inv.hosts = inv.hosts.filter(keep);
  for (const n of inv.networks) n.attach = n.attach.filter(keep);
  for (const v of inv.vrouters) v.members = v.members.filter(keep);
  mkdirSync(join(dir, "inventories"), { recursive: true });
  writeFileSync(join(dir, "inventories/fuel-env.yaml"), stringify(inv));
  const r = gen(["--site", "fuel-env", "--inventory", join(dir, "inventories"), "--out", join(dir, "out"), "-q"]);
  if (r.code !== 0) throw new Error(`gen: ${r.stdout}\n${r.stderr}`);
  return join(dir, "out/fuel-env");
}

describe("fuel-env (2 routers, 2 nodes): one ansible-playbook run over every host", () => {
  const topo = new Topology(`ast${process.pid % 1000}`);
  const tmp = hostTempDir("ansible-site");
  let SITE: string;
  let fleet: Fleet;
  let before: Record<string, unknown>;
  const play = (book: string, args: string[], label: string) => {
    const r = fleet.play(SITE, book, args);
    times.push(`${label}: ${r.seconds.toFixed(1)} s`);
    return r;
  };
  const approve = () => ["-e", `approve=${token(SITE)}`, ...VAULT];
  /** Files (not folders) the runs left below path (/etc, /var/lib) on host h: its overlay's upper layer. */
  const upper = (h: string, path: string) =>
    run("find", [".", "!", "-type", "d"], { cwd: fleet.sim.get(h)!.upper(path) })
      .stdout.split("\n")
      .sort()
      .join("\n");
  /** Links, addresses, routes, rulesets, namespaces; the files the run left in /etc; the units and their states; a node's NTP sources. */
  const snap = () =>
    Object.fromEntries(
      HOSTS.map((h) => [
        h,
        {
          ...topo.snapshot(h),
          // files only: like host.sh apply's install -D, an install makes a missing folder, and the inverse (rm -f) leaves it
          etc: upper(h, "/etc"),
          varlib: upper(h, "/var/lib"),
          units: topo.must(
            h,
            "systemctl list-unit-files --no-legend 'sitegen-*'" + "; systemctl list-units --all --no-legend --plain 'sitegen-*' | awk '{ print $1, $3, $4 }'",
          ),
          ...(NODES.includes(h) ? { ntp: topo.must(h, "chronyc -n -c sources | cut -d, -f3 | sort") } : {}),
        },
      ]),
    );

  beforeAll(async () => {
    requireRootNetns();
    requireSshd();
    for (const t of [
      "ansible-playbook",
      "ssh",
      "ssh-keygen",
      "nsenter",
      "unshare",
      "nft",
      "dnsmasq",
      "chronyd",
      "chronyc",
      "keepalived",
      "conntrackd",
      "netplan",
    ])
      requireTool(t);
    SITE = smallFuelEnv(tmp);
    topo.switch();
    fleet = new Fleet(topo, tmp);
    fleet.controller("192.168.0.250", 24);
    for (const [i, h] of CONTROLLERS.entries()) {
      await fleet.host(
        {
          name: h,
          bridges: [
            { name: "br-mgmt", segment: "mgmt", address: `192.168.0.1${i + 1}`, prefix: 24 },
            { name: "br-ex", segment: "pub", address: `172.16.0.1${i + 1}`, prefix: 24 },
          ],
        },
        `192.168.0.1${i + 1}`,
        BIN,
      );
    }
    for (const h of NODES) {
      const a = mgmtOf(h);
      await fleet.host({ name: h, bridges: [{ name: "br-mgmt", segment: "mgmt", address: a, prefix: 24 }] }, a, BIN);
      // netplan owns br-mgmt on a node; its chronyd reads sources.d, serves nobody, never sets the clock
      topo.must(
        h,
        `mkdir -p /etc/netplan && printf 'network:\\n  version: 2\\n  ethernets:\\n    eth1: {}\\n  bridges:\\n    br-mgmt:\\n      interfaces: [eth1]\\n      addresses: [${a}/24]\\n' > /etc/netplan/01-test.yaml` +
          " && chmod 600 /etc/netplan/01-test.yaml && mkdir -p /run/chrony && chown _chrony: /run/chrony && chmod 750 /run/chrony" +
          " && printf 'sourcedir /etc/chrony/sources.d\\ncmdport 0\\n' > /etc/chrony/chrony.conf" +
          // copy sources.d up into the overlay now, as the failure test's mv does later, so snapshots compare alike
          " && mv /etc/chrony/sources.d /etc/chrony/sources.d.up && mv /etc/chrony/sources.d.up /etc/chrony/sources.d",
      );
      topo.start(h, ["chronyd", "-n", "-x", "-f", "/etc/chrony/chrony.conf"], join(tmp, `${h}-chronyd.log`));
    }
    topo.leaf("up", "eth0", "pub");
    topo.must(
      "up",
      "ip addr add 172.16.0.1/24 dev eth0 && for a in 198.51.100.53 198.51.100.54 198.51.100.123 198.51.100.124; do ip addr add $a/32 dev lo; done",
    );
    topo.start(
      "up",
      [
        "dnsmasq",
        "-k",
        "-C",
        "/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--bind-interfaces",
        "--listen-address=198.51.100.53,198.51.100.54",
        "--address=/upstream.test/203.0.113.7",
        "--local=/invalid/",
        `--pid-file=${tmp}/up-dnsmasq.pid`,
      ],
      `${tmp}/up-dnsmasq.log`,
    );
    topo.must(
      "up",
      `mkdir -p ${tmp}/up-chrony && printf '%s\\n' 'local stratum 3' 'allow all' 'cmdport 0' 'bindcmdaddress ${tmp}/up-chrony/chronyd.sock' 'pidfile ${tmp}/up-chrony/chronyd.pid' > ${tmp}/up-chrony.conf`,
    );
    topo.start("up", ["chronyd", "-n", "-x", "-f", `${tmp}/up-chrony.conf`], `${tmp}/up-chronyd.log`);
    fleet.waitReady(HOSTS.map(mgmtOf));
    before = snap();
  }, 300_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
    if (times.length) console.log(`ansible-playbook over the whole fuel-env site:\n  ${times.join("\n  ")}`);
  });

  it("applies the whole site in one run: routers, the serving gate, nodes in batches, verify last", () => {
    const r = play("apply.yml", approve(), "apply, every host");
    expect(r.code, out(r)).toBe(0);
    for (const h of HOSTS) expect(r.recaps[h], h).toMatchObject({ failed: 0, unreachable: 0, rescued: 0 });
    for (const h of HOSTS) expect(r.recaps[h]!.changed, h).toBeGreaterThan(0);
    const order = ["PLAY [Router members that hold no VIP", "PLAY [Gate: the routers serve", "PLAY [Nodes in rolling batches", "PLAY [Verify every host, last"];
    const at = order.map((p) => r.stdout.indexOf(p));
    expect(
      at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)),
      at.join(" "),
    ).toBe(true);
    for (const n of NODES) expect(topo.must(n, "ip -4 route show default")).toContain("via 192.168.0.2 dev br-mgmt");
    expect(topo.must("cmp2", "dig +time=2 +tries=2 +short @192.168.0.2 upstream.test A").trim()).toBe("203.0.113.7");
    expect(topo.must("cmp1", "ping -c1 -W2 172.16.0.1")).toContain("1 received");
  }, 900_000);

  it("a second run changes nothing on any host (and verifies every host again)", () => {
    const r = play("apply.yml", approve(), "second run");
    expect(r.code, out(r)).toBe(0);
    expect(r.stdout).toContain("PLAY [Verify every host, last");
    for (const h of HOSTS) expect(r.recaps[h], h).toMatchObject({ changed: 0, failed: 0 });
  }, 900_000);

  it("the nodes alone give back (rollback.yml --limit nodes): each node as the audit found it, the routers still serve", () => {
    const r = play("rollback.yml", [...approve(), "--limit", "site_fuel_env_nodes"], "rollback, nodes only");
    expect(r.code, out(r)).toBe(0);
    const now = snap();
    for (const n of NODES) expect(now[n], n).toEqual(before[n]);
    expect(topo.must("cmp2", "dig +time=2 +tries=2 +short @192.168.0.2 upstream.test A").trim()).toBe("203.0.113.7");
  }, 900_000);

  it("a run where the canary node fails rolls that batch back, starts no later batch, and leaves the routers serving", () => {
    // cmp1's chrony sources.d is a file, so its step fails after its default route moved to the VIP
    topo.must("cmp1", "mv /etc/chrony/sources.d /etc/chrony/sources.d.away && echo not-a-folder > /etc/chrony/sources.d");
    try {
      const r = play("apply.yml", [...approve(), "--limit", "site_fuel_env_nodes"], "apply, nodes only, canary fails");
      expect(r.code).not.toBe(0);
      expect(r.recaps.cmp1, out(r)).toMatchObject({ rescued: 1, failed: 1 });
      expect(r.stdout).toContain("batch rolled back: cmp1 failed (Step 1 (Run python3 /etc/sitegen/vrouter/node-takeover.py take-ntp /etc");
      expect(r.recaps.cmp2?.changed ?? 0).toBe(0); // the next batch never started
      expect(r.stdout).not.toContain("PLAY [Verify every host, last");
    } finally {
      topo.must("cmp1", "rm /etc/chrony/sources.d && mv /etc/chrony/sources.d.away /etc/chrony/sources.d");
    }
    const now = snap();
    for (const n of NODES) expect(now[n], n).toEqual(before[n]);
    expect(topo.must("cmp2", "dig +time=2 +tries=2 +short @192.168.0.2 upstream.test A").trim()).toBe("203.0.113.7");
  }, 900_000);

  it("once the cause is fixed the nodes apply again (apply.yml --limit nodes), through the serving gate", () => {
    const r = play("apply.yml", [...approve(), "--limit", "site_fuel_env_nodes"], "apply, nodes only");
    expect(r.code, out(r)).toBe(0);
    for (const n of NODES) expect(r.recaps[n], n).toMatchObject({ failed: 0, rescued: 0 });
    for (const n of NODES) expect(topo.must(n, "ip -4 route show default")).toContain("via 192.168.0.2 dev br-mgmt");
  }, 900_000);

  it("rollback gives every host back its snapshot: nodes first, routers last", () => {
    const r = play("rollback.yml", approve(), "rollback, every host");
    expect(r.code, out(r)).toBe(0);
    expect(r.stdout.indexOf("PLAY [Nodes give back first")).toBeLessThan(r.stdout.indexOf("PLAY [Gateways and routers last"));
    expect(snap()).toEqual(before);
  }, 900_000);
});
