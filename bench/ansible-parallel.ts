// Ansible's parallelism on the generated role: the same approved play (the converge plan: a
// macvlan gateway leg, a sysctl.d drop-in and sysctl -w, with the audit, the approval and verify)
// over 3, 10 (and 30) simulated hosts reached over ssh (test/helpers/fleet.ts), with the default forks.
// Every host shares the role's task files, so each task runs on up to five hosts at once: the wall
// time must grow well below the host count. Not part of `npm test` (minutes per size): bench/run.mjs
// --ansible runs this file (bench/vitest.config.ts) with SITEGEN_FLEET_REPORT set and prints the figures;
// SITEGEN_FLEET_SIZES overrides the sizes (comma-separated; 3,10,30 from the bench, 3,10 alone).
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { token, writeConvergeSite } from "../test/helpers/ansible.js";
import { Fleet, requireSshd } from "../test/helpers/fleet.js";
import { hostTempDir } from "../test/helpers/sim-host.js";
import { requireRootNetns, requireTool } from "../test/helpers/tools.js";
import { Topology } from "../test/helpers/vrouter-topology.js";

const SIZES = (process.env.SITEGEN_FLEET_SIZES ?? "3,10").split(",").map(Number);
const results: Array<{ hosts: number; seconds: number; per_host_s: number }> = [];
const tmp = hostTempDir("ansible-parallel");

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  const base = results[0];
  const report = results.map((r) => ({ ...r, ratio_to_first: base ? Number((r.seconds / base.seconds).toFixed(2)) : 1 }));
  console.log(
    `ansible-playbook over N simulated hosts (default forks):\n${report.map((r) => `  ${r.hosts} hosts: ${r.seconds.toFixed(1)} s (x${r.ratio_to_first})`).join("\n")}`,
  );
  if (process.env.SITEGEN_FLEET_REPORT) writeFileSync(process.env.SITEGEN_FLEET_REPORT, JSON.stringify(report));
});

const name = (i: number) => `gw${String(i + 1).padStart(2, "0")}`;
const mgmt = (i: number) => `192.168.0.${10 + i}`;

async function applyOver(n: number): Promise<number> {
  const topo = new Topology(`apl${process.pid % 1000}`);
  const dir = join(tmp, `n${n}`);
  try {
    topo.switch();
    const fleet = new Fleet(topo, dir);
    fleet.controller("192.168.0.250", 24);
    const hosts = Array.from({ length: n }, (_, i) => ({ name: name(i), management: mgmt(i) }));
    for (const [i, h] of hosts.entries())
      await fleet.host({ name: h.name, bridges: [{ name: "virbr1", segment: "mgmt", address: mgmt(i), prefix: 24 }] }, h.management);
    fleet.waitReady(hosts.map((h) => h.management));
    const site = writeConvergeSite(join(dir, "out"), hosts, false);
    const r = fleet.play(site, "apply.yml", ["-e", `approve=${token(site)}`]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    for (const h of hosts) expect(r.recaps[h.name], h.name).toMatchObject({ failed: 0, unreachable: 0, rescued: 0 });
    for (const h of hosts) expect(r.recaps[h.name]!.changed, h.name).toBeGreaterThanOrEqual(4);
    expect(topo.must(name(n - 1), "ip -br addr show dev virbr1-gw")).toContain("10.12.8.1/22");
    return r.seconds;
  } finally {
    await topo.teardown();
  }
}

describe("one play over many hosts runs them in parallel", () => {
  it.each(SIZES)(
    "%i hosts",
    async (n) => {
      requireRootNetns();
      requireSshd();
      for (const t of ["ansible-playbook", "ssh", "ssh-keygen", "nsenter", "unshare"]) requireTool(t);
      const seconds = await applyOver(n);
      results.push({ hosts: n, seconds: Number(seconds.toFixed(2)), per_host_s: Number((seconds / n).toFixed(2)) });
    },
    1_200_000,
  );

  it.runIf(SIZES.length > 1)("the largest run takes well under the host ratio (0.85 of it) times the smallest", () => {
    const first = results[0]!;
    const last = results[results.length - 1]!;
    expect(results.length).toBe(SIZES.length);
    // the simulated hosts share the controller's cores, so this bounds Ansible's overhead, not the hosts' work
    expect(last.seconds / first.seconds).toBeLessThan(0.85 * (last.hosts / first.hosts));
  });
});
