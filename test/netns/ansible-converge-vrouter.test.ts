// The virtual-router site (fuel-env) through its generated Ansible, for real, on three simulated
// controllers (network namespaces with their own mount namespace, from test/helpers/vrouter-topology.ts,
// as in vrouter-netns.test.ts): converge, idempotence, rollback to the snapshot, with the runtime
// phase (--tags runtime: the vrouter namespace, its veth legs and VIPs, routes, the nftables ruleset
// that reaches argv as a literal block of host_vars). The services phase starts dnsmasq and chronyd through
// systemd units, and this machine has no systemd as PID 1: vrouter-netns.test.ts runs those daemons with
// the units' own command lines, and the guest-kernel suite can run the whole playbook.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playbook, token, type PlayResult } from "../helpers/ansible.js";
import { hostCmd, ROOT } from "../helpers/gen.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { Topology } from "../helpers/vrouter-topology.js";
import { rmSync } from "node:fs";

const CONTROLLERS = ["ctrl1", "ctrl2", "ctrl3"];
const SITE = join(ROOT, "out/fuel-env");
const times: string[] = [];
const out = (r: PlayResult) => `${r.stdout}\n${r.stderr}`;

describe("fuel-env (virtual router): the runtime phase through Ansible on three controllers", () => {
  const topo = new Topology(`avr${process.pid % 1000}`);
  const tmp = tempDir("ansible-vrouter");
  const root = join(tmp, "root");
  let before: Record<string, unknown>;
  const snap = () => Object.fromEntries(CONTROLLERS.map((h) => [h, topo.snapshot(h)]));
  const run = (h: string, book: "apply.yml" | "rollback.yml", args: string[], label: string) => {
    const r = playbook((c) => topo.sh(h, c, 180_000), { outSite: SITE, book, host: h, root, tmp, args: ["--tags", "runtime", ...args] });
    times.push(`${label} ${h}: ${r.seconds.toFixed(1)} s`);
    return r;
  };
  const approve = () => ["-e", `approve=${token(SITE)}`];

  beforeAll(async () => {
    requireRootNetns();
    for (const t of ["ansible-playbook", "nsenter", "unshare", "nft"]) requireTool(t);
    topo.switch();
    for (const [i, h] of CONTROLLERS.entries()) {
      await topo.host({
        name: h,
        bridges: [
          { name: "br-mgmt", segment: "mgmt", address: `192.168.0.1${i + 1}`, prefix: 24 },
          { name: "br-ex", segment: "pub", address: `172.16.0.1${i + 1}`, prefix: 24 },
        ],
      });
    }
    before = snap();
  }, 120_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
    if (times.length) console.log(`ansible-playbook wall times (fuel-env):\n  ${times.join("\n  ")}`);
  });

  it("--check --diff and an unapproved run change nothing", () => {
    const check = run("ctrl1", "apply.yml", ["--check", "--diff"], "--check --diff");
    expect(check.code, out(check)).toBe(0);
    const refused = run("ctrl1", "apply.yml", [], "not approved");
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain("Not approved: this play changes hosts.");
    expect(snap()).toEqual(before);
  }, 300_000);

  it("converges on every controller, and the shell scripts agree: host.sh apply runtime finds nothing to change", () => {
    for (const h of CONTROLLERS) {
      const r = run(h, "apply.yml", approve(), "first run");
      expect(r.code, out(r)).toBe(0);
      expect(r.recap).toMatchObject({ failed: 0, rescued: 0 });
      expect(r.recap.changed).toBeGreaterThan(0);
    }
    expect(topo.must("ctrl1", "ip netns list")).toContain("vrouter");
    expect(topo.must("ctrl1", "ip netns exec vrouter nft list tables")).toContain("table inet sitegen-vrouter");
    const converged = snap();
    for (const h of CONTROLLERS) {
      const r = topo.sh(h, hostCmd(`${SITE}/hosts/${h}`, "apply runtime"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(snap()).toEqual(converged);
  }, 300_000);

  it("is idempotent: a second run reports changed=0 on every controller", () => {
    for (const h of CONTROLLERS) {
      const r = run(h, "apply.yml", approve(), "second run");
      expect(r.code, out(r)).toBe(0);
      expect(r.recap).toMatchObject({ changed: 0, failed: 0, rescued: 0 });
    }
  }, 300_000);

  it("rolls every controller back to its snapshot", () => {
    for (const h of CONTROLLERS) {
      const r = run(h, "rollback.yml", approve(), "rollback");
      expect(r.code, out(r)).toBe(0);
      expect(r.recap).toMatchObject({ failed: 0 });
    }
    expect(snap()).toEqual(before);
  }, 300_000);
});
