// Transitions (issue 12, point 2) in network namespaces this test creates and deletes: fuel-env
// (static VIPs) on two simulated controllers. For each scenario: version 1 applied, `gen plan --from`
// writes the transition, its audit (v1's drift report) passes, its apply gives exactly the state of a
// fresh apply of version 2 (and v2's drift report says none), its rollback (the reverse transition)
// gives back exactly version 1's state. This kernel has no 8021q: the "VLAN added" scenario is a
// network that is a VLAN on the switch side (untagged on the Linux bridges, as fuel-env's management
// network) with a second router on it; "network removed" is the same move backwards.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gen, HOST_SH, hostCmd } from "../helpers/gen.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText, withoutHa } from "../helpers/variant.js";
import { Topology } from "../helpers/vrouter-topology.js";

const HOSTS = ["ctrl1", "ctrl2"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A second router on two new networks: VLANs 160 and 161 on the switch side of br-mgmt and br-ex. */
function withVr2(t: string): string {
  const nets = `  - name: storage
    description: VLAN 160 on the switch side of br-mgmt
    cidr: 10.60.0.0/24
    attach:
      - { host: ctrl1, bridge: br-mgmt }
      - { host: ctrl2, bridge: br-mgmt }
    ranges:
      - { name: vr2, from: 10.60.0.2, to: 10.60.0.4, purpose: reserved }

  - name: pub2
    description: VLAN 161 on the switch side of br-ex
    cidr: 10.61.0.0/24
    attach:
      - { host: ctrl1, bridge: br-ex }
      - { host: ctrl2, bridge: br-ex }
    gateway: { address: 10.61.0.1, on: router, router: the upstream router }
    ranges:
      - { name: vr2, from: 10.61.0.2, to: 10.61.0.2, purpose: vip }

vrouters:
`;
  const vr = `  - name: vr2
    namespace: vr2
    members:
      - { host: ctrl1, address: 10.60.0.3 }
      - { host: ctrl2, address: 10.60.0.4 }
    primary: ctrl1
    management: { network: storage, vip: 10.60.0.2, link: v2-mgmt }
    public: { network: pub2, vip: 10.61.0.2, link: v2-ex }
    nat: { masquerade: true, backend: nftables }
`;
  return t.replace("vrouters:\n", nets) + vr;
}

const V1 = withoutHa(fuelEnvText());
const SCENARIOS: Array<{ name: string; from: string; to: string; expect: string[] }> = [
  {
    name: "VIP moved (primary ctrl1 -> ctrl2)",
    from: V1,
    to: V1.replace("primary: ctrl1", "primary: ctrl2"),
    expect: ["host ctrl1: 0 removed, 4 changed", "changed  runtime  vrouter-vrouter-management-leg  [moves a VIP: VIP 192.168.0.2]", "run order: ctrl1, ctrl2"],
  },
  {
    name: "gateway address changed",
    from: V1,
    to: V1.replace("address: 172.16.0.1\n", "address: 172.16.0.254\n"),
    expect: ["host ctrl1: 0 removed, 2 changed", "changed  runtime  vrouter-vrouter-route  [changes a default route: default route in vrouter via 172.16.0.1]"],
  },
  {
    name: "a member's own address changed: its unchanged route is reset with the re-created leg",
    from: V1,
    to: V1.replace(/\{ host: ctrl2, address: [^ ,}]+/, "{ host: ctrl2, address: 192.168.0.6"),
    expect: ["changed  runtime  vrouter-vrouter-management-leg", "reset    runtime  vrouter-vrouter-route"],
  },
  {
    name: "VLAN network and its router added",
    from: V1,
    to: withVr2(V1),
    expect: ["host ctrl1: 0 removed, 0 changed, 6 added", "added    runtime  vrouter-vr2-netns"],
  },
  {
    name: "network removed",
    from: withVr2(V1),
    to: V1,
    expect: ["host ctrl1: 6 removed, 0 changed, 0 added", "removed  runtime  vrouter-vr2-management-leg  [moves a VIP: VIP 10.60.0.2]"],
  },
];

describe("transitions in network namespaces (fuel-env ctrl1, ctrl2, runtime)", () => {
  const topo = new Topology(`str${process.pid % 1000}`);
  const tmp = tempDir("transition");
  let clean: Record<string, string> = {};

  /** What must match: links (name, flags, master), addresses, routes, namespaces, and per namespace the same plus nft and forwarding. */
  function state(h: string): string {
    const links = `awk '{n=$2; sub(/@.*/, "", n); sub(/:$/, "", n); m="-"; for (i=1;i<NF;i++) if ($i=="master") m=$(i+1); print n, $3, m}'`;
    const one = (x: string) =>
      topo.must(
        h,
        `${x}ip -o link show | ${links} | sort;` +
          ` ${x}ip -br addr show | awk '{n=$1; sub(/@.*/, "", n); $1=n; $2=""; print}' | sort; ${x}ip route show table all | sort`,
      );
    const inner = topo
      .must(h, "ip netns list")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")[0]!)
      .sort();
    const rest = (n: string) => topo.must(h, `ip netns exec ${n} nft list ruleset; ip netns exec ${n} cat /proc/sys/net/ipv4/ip_forward`);
    return [one(""), inner.join(","), ...inner.map((n) => `${n}:\n${one(`ip netns exec ${n} `)}${rest(n)}`)].join("\n");
  }
  const all = () => Object.fromEntries(HOSTS.map((h) => [h, state(h)]));
  /** Carrier on re-created veths settles a moment later: compare for up to 3 s. */
  async function settlesTo(want: Record<string, string>): Promise<void> {
    for (let i = 0; i < 15 && JSON.stringify(all()) !== JSON.stringify(want); i++) await sleep(200);
    expect(all()).toEqual(want);
  }
  const runAll = (dir: string, command: string, hosts = HOSTS) => {
    for (const h of hosts) {
      const r = topo.sh(h, `SITEGEN_ROOT=${tmp}/root ${hostCmd(join(dir, "hosts", h), command)}`);
      expect(r.code, `${h} ${command}\n${r.stdout}${r.stderr}`).toBe(0);
    }
  };

  beforeAll(async () => {
    requireRootNetns();
    for (const t of ["nsenter", "unshare", "nft"]) requireTool(t);
    topo.switch();
    await topo.controllers(HOSTS);
    clean = all();
  }, 60_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
  });

  SCENARIOS.forEach((sc, n) => {
    it(
      sc.name,
      async () => {
        const from = buildVariant(tmp, `from${n}`, sc.from);
        const to = buildVariant(tmp, `to${n}`, sc.to);
        // the new version as the working inventory, the old one as a file
        const inv = join(tmp, `plan${n}`, "inventories");
        mkdirSync(inv, { recursive: true });
        writeFileSync(join(inv, "fuel-env.yaml"), sc.to);
        writeFileSync(join(tmp, `plan${n}`, "v1.yaml"), sc.from);
        const out = join(tmp, `plan${n}`, "out");
        const p = gen(["plan", "--site", "fuel-env", "--from", join(tmp, `plan${n}`, "v1.yaml"), "--inventory", inv, "--out", out]);
        expect(p.code, p.stderr).toBe(0);
        for (const e of sc.expect) expect(p.stdout).toContain(e);
        const tdir = join(out, "fuel-env.transition");
        const order = /run order: (.*)/
          .exec(p.stdout)![1]!
          .split(", ")
          .filter((h) => HOSTS.includes(h));

        runAll(from, "apply runtime");
        const v1 = all();
        runAll(tdir, "audit runtime", order);
        runAll(tdir, "apply runtime", order);
        const moved = all();
        expect(moved).not.toEqual(v1);
        expect(moved.ctrl1).toMatch(/^vrouter:$/m);
        runAll(to, "drift runtime");
        runAll(tdir, "rollback runtime", [...order].reverse());
        await settlesTo(v1);
        runAll(from, "rollback runtime");
        await settlesTo(clean);
        runAll(to, "apply runtime");
        await settlesTo(moved);
        runAll(to, "rollback runtime");
        await settlesTo(clean);
      },
      120_000,
    );
  });

  it("the transition is deterministic, and the same inventory gives no changes", () => {
    const dir = join(tmp, "det");
    mkdirSync(join(dir, "inv"), { recursive: true });
    writeFileSync(join(dir, "inv/fuel-env.yaml"), V1);
    writeFileSync(join(dir, "v1.yaml"), V1);
    const same = gen(["plan", "--site", "fuel-env", "--from", join(dir, "v1.yaml"), "--inventory", join(dir, "inv"), "--out", join(dir, "out")]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("no step changes from file v1.yaml");
    writeFileSync(join(dir, "inv/fuel-env.yaml"), SCENARIOS[0]!.to);
    const a = gen(["plan", "--site", "fuel-env", "--from", join(dir, "v1.yaml"), "--inventory", join(dir, "inv"), "--out", join(dir, "a"), "-q"]);
    const b = gen(["plan", "--site", "fuel-env", "--from", join(dir, "v1.yaml"), "--inventory", join(dir, "inv"), "--out", join(dir, "b"), "-q"]);
    expect(a.stdout).toBe(b.stdout);
    const tree = (d: string) => readFileSync(join(d, "fuel-env.transition/hosts/ctrl1", HOST_SH), "utf8");
    expect(tree(join(dir, "a"))).toBe(tree(join(dir, "b")));
  });
});
