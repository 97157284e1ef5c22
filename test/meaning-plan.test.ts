// Fast, in-process tests of meanings that only goldens or namespace tests held before (mutation testing
// found them: README, "Mutation testing"): the router's audit tools, inverses, boot ordering, Ansible
// handler naming, dual stack, the output folder's errors and fault point, per-host runbooks.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { handlerPositions } from "../src/bundles/ansible-units.js";
import { confirmVm } from "../src/bundles/review-confirm.js";
import { slotsOf } from "../src/bundles/review-shape.js";
import { topology } from "../src/bundles/topology.js";
import { halves, runSites } from "../src/cli/all.js";
import type { Build } from "../src/compile.js";
import { OutputError, outputError } from "../src/emit/leftovers.js";
import { writeSite } from "../src/emit/write.js";
import { daemonReload, netplan, program, unitOp, type Action } from "../src/plan/actions.js";
import { check } from "../src/plan/checks.js";
import { disruptionContext, type DisruptionContext } from "../src/plan/disruption.js";
import type { Step } from "../src/plan/types.js";
import { actionText } from "../src/render/shell-lines.js";
import { namespaceUnits } from "../src/targets/vrouter-boot/index.js";
import { diffHost } from "../src/transition/diff.js";
import { buildFuelEnv, buildGolden } from "./helpers/compile.js";
import { ROOT } from "./helpers/gen.js";
import { fuelEnvText, variantText } from "./helpers/variant.js";

describe("the router's plan", () => {
  const gateTools = (b: Build) => b.plan.gates.filter((g) => g.kind === "tools-present" && g.host === "ctrl1").map((g) => g.params);

  it("the audit checks the programs the router runs: nft or iptables, chronyd or ntpd, ovs-vsctl on OVS", () => {
    expect(gateTools(buildFuelEnv(fuelEnvText()))).toEqual([{ tools: ["ip", "arping", "nft", "dnsmasq", "chronyd", "keepalived", "conntrackd", "tcpdump"] }]);
    const variant = ["ip", "arping", "iptables", "dnsmasq", "ntpd", "ovs-vsctl", "keepalived", "conntrackd", "tcpdump"];
    expect(gateTools(buildFuelEnv(variantText()))).toEqual([{ tools: variant }]);
  });

  it("the nftables ruleset is written out for review with nftables only", () => {
    const nft = (b: Build) => b.files.filter((f) => /^hosts\/[^/]+\/nftables-vrouter\.nft$/.test(f.path)).map((f) => f.path);
    expect(nft(buildFuelEnv(fuelEnvText()))).toEqual(["ctrl1", "ctrl2", "ctrl3"].map((h) => `hosts/${h}/nftables-vrouter.nft`));
    expect(nft(buildFuelEnv(variantText()))).toEqual([]);
  });

  it("drift.sh compares a member's nftables table with the ruleset file written for it, also for a router of one member", () => {
    const drift = (b: Build, host: string) => b.files.find((f) => f.path === `hosts/${host}/drift.sh`)!.content.includes("nftables-vrouter.nft");
    expect(drift(buildGolden("vrouter-single"), "ctrl1")).toBe(true);
    expect(drift(buildFuelEnv(fuelEnvText()), "ctrl2")).toBe(true);
    expect(drift(buildFuelEnv(fuelEnvText()), "cmp1")).toBe(false);
  });

  it("undoing the default route may fail (the namespace or leg is already gone), adding it may not", () => {
    const steps = buildFuelEnv(fuelEnvText()).plan.steps.filter((s) => s.id === "vrouter-vrouter-route");
    expect(steps.map((s) => s.host)).toEqual(["ctrl1", "ctrl2", "ctrl3"]);
    for (const s of steps) {
      expect(s.inverse).toHaveLength(1);
      expect(s.inverse[0]).toMatchObject({ kind: "route-del" });
      expect(s.apply[0]).not.toHaveProperty("mayFail");
      // with ha every member has the low-priority route (the failover manager adds the one out of the public leg)
      expect(actionText(s.inverse[0]!)).toBe("run ip -n vrouter route del default via 192.168.0.2 dev vr-mgmt metric 10000 || true");
    }
  });

  it("a member's own address goes on its management leg only; with ha no leg step adds a VIP", () => {
    const b = buildFuelEnv(fuelEnvText());
    const added = (id: string, host: string) => b.plan.steps.find((s) => s.id === id && s.host === host)!.apply
      .flatMap((a) => (a.kind === "addr-replace" ? [a.cidr] : []));
    for (const m of b.site.vrouters[0]!.members) {
      expect(added("vrouter-vrouter-management-leg", m.host)).toEqual([`${m.address}/24`]);
      expect(added("vrouter-vrouter-public-leg", m.host)).toEqual([]);
    }
  });

  it("undoing the boot unit disables it only where it is installed (a half-applied host undoes cleanly)", () => {
    const steps = buildFuelEnv(fuelEnvText()).plan.steps.filter((s) => s.id === "vrouter-vrouter-boot");
    expect(steps).toHaveLength(3);
    for (const s of steps) {
      expect(s.inverse[0]).toMatchObject({ kind: "unit", verb: "disable", unit: "sitegen-vrouter-boot.service", now: true, onlyIfInstalled: true });
    }
  });

  it("systemd enables and restarts a namespace daemon under keepalived, Pacemaker alone starts it; RuntimeDirectory unless it makes its own", () => {
    const unit = (b: Build, host: string, name: string) =>
      b.files.find((f) => f.path === `hosts/${host}/files/etc/systemd/system/${name}`)!.content;
    const ka = buildFuelEnv(fuelEnvText());
    const dnsmasq = unit(ka, "ctrl1", "sitegen-vrouter-dnsmasq.service");
    for (const line of ["RuntimeDirectory=sitegen-vrouter-dnsmasq", "Restart=on-failure", "WantedBy=multi-user.target"]) {
      expect(dnsmasq).toContain(`\n${line}\n`);
    }
    expect(unit(ka, "ctrl1", "sitegen-vrouter-chrony.service")).not.toMatch(/^RuntimeDirectory=/m);
    const pm = unit(buildGolden("vrouter-pacemaker"), "c1", "sitegen-vr-dnsmasq.service");
    expect(pm).toContain("\nRuntimeDirectory=sitegen-vr-dnsmasq\n");
    expect(pm).not.toMatch(/^(Restart=|WantedBy=)/m);
    const title = (b: Build, id: string) => b.plan.steps.find((st) => st.id === id)!.title;
    expect(title(ka, "vrouter-vrouter-dnsmasq")).toMatch(/, and \(re\)start it$/);
    expect(title(buildGolden("vrouter-pacemaker"), "vrouter-vr-dnsmasq")).toMatch(/; Pacemaker starts it, not systemd$/);
  });

  it("a node's network-config: its bridge ports take no DHCP lease; the bridge has its address, route and DNS via the VIP", () => {
    const text = buildFuelEnv(fuelEnvText()).files.find((f) => f.path === "hosts/cmp1/cloud-init/network-config")!.content;
    expect(parse(text)).toEqual({ network: { version: 2, ethernets: { eth1: { dhcp4: false, dhcp6: false } }, bridges: { "br-mgmt": {
      interfaces: ["eth1"], addresses: ["192.168.0.21/24"], routes: [{ to: "default", via: "192.168.0.2" }],
      nameservers: { addresses: ["192.168.0.2"], search: ["fuel-env.example"] } } } } });
  });

  it("the boot unit starts before every daemon in the namespace: keepalived's, or Pacemaker", () => {
    const ka = buildFuelEnv(fuelEnvText()).site.vrouters[0]!;
    expect(namespaceUnits(ka)).toEqual(["sitegen-vrouter-dnsmasq.service", "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service", "sitegen-vrouter-keepalived.service"]);
    const pm = buildFuelEnv(fuelEnvText().replace("manager: keepalived", "manager: pacemaker")
      .replace(/^ {6}(virtual_router_id|auth_vault_var): .*\n/gm, "").replace(/^ {6}#.*\n/gm, ""), false).site.vrouters[0]!;
    expect(namespaceUnits(pm)).toEqual(["sitegen-vrouter-dnsmasq.service", "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service", "pacemaker.service"]);
  });
});

describe("disruption", () => {
  it("only the bridge a host's management address is on counts as its management link", () => {
    const ctx = disruptionContext(buildFuelEnv(fuelEnvText()).site);
    expect([...ctx.mgmtLinks.get("ctrl1")!]).toEqual(["br-mgmt"]);
  });

  it("a step cuts the session when its apply or its inverse does", () => {
    const ctx = disruptionContext(buildFuelEnv(fuelEnvText()).site);
    const step = (apply: Action[], inverse: Action[]): Step => ({ id: "s", host: "ctrl1", phase: "runtime", title: "t", apply, inverse, verify: [] });
    const t: Action = { kind: "link-up", link: "x" };
    const vm = confirmVm([step([netplan("apply")], [t]), step([t], [netplan("apply")]), step([t], [])], ctx);
    expect(vm.rows.map((r) => r.cuts)).toEqual([true, true, false]);
  });
});

/** A site with no VIPs, management links, gateways or routers. */
const emptyCtx = (): DisruptionContext => ({ vips: new Set(), mgmtLinks: new Map(), gateways: new Map(), routers: new Map() });

describe("transitions", () => {
  it("a changed step drops its VIP when the new one no longer holds it, not when it still does", () => {
    const ctx = { ...emptyCtx(), vips: new Set(["10.0.0.9"]) };
    const addr = (a: string): Step => ({ id: "leg", host: "h", phase: "runtime", title: "t", verify: [], inverse: [],
      apply: [{ kind: "addr-replace", ns: "vr", link: "vr-mgmt", cidr: a, family: 4 }, { kind: "link-up", ns: "vr", link: "vr-mgmt" }] });
    const side = (steps: Step[]) => ({ steps, ctx, file: () => undefined });
    const drops = (to: Step[]) => diffHost(side([addr("10.0.0.9/24")]), side(to)).map((c) => [c.kind, c.dropsVip]);
    expect(drops([addr("10.0.0.5/24")])).toEqual([["changed", true]]);
    expect(drops([{ ...addr("10.0.0.9/24"), title: "u", verify: [check("netns", { ns: "vr" })] }])).toEqual([["changed", false]]);
    expect(drops([])).toEqual([["removed", true]]);
  });
  it("a step whose installed file's content changed is a changed step", () => {
    const ctx = emptyCtx();
    const step: Step = { id: "conf", host: "h", phase: "services", title: "t", verify: [], inverse: [],
      apply: [{ kind: "install", dest: "/etc/x", mode: 0o644 }] };
    const side = (text: string) => ({ steps: [step], ctx, file: () => text });
    expect(diffHost(side("a\n"), side("b\n")).map((c) => c.kind)).toEqual(["changed"]);
    expect(diffHost(side("a\n"), side("a\n"))).toEqual([]);
  });
});

describe("Ansible handlers", () => {
  const install: Action = { kind: "install", dest: "/etc/x.conf", mode: 0o644 };
  const remove: Action = { kind: "remove", dest: "/etc/x.conf" };
  const secret: Action = { kind: "secret", dest: "/etc/x.conf", name: "v", prefix: "p", pattern: "x", why: "w" };

  it("a reload or restart after a file change of the same list is a handler, named for what it does", () => {
    expect(handlerPositions([install, unitOp("reload", "a.service")])).toEqual([undefined, "Reload a.service"]);
    expect(handlerPositions([remove, unitOp("restart", "a.service")])).toEqual([undefined, "Restart a.service"]);
    expect(handlerPositions([secret, daemonReload])).toEqual([undefined, "Reload the systemd manager configuration"]);
  });

  it("nothing else is: no file change before it, a command before it, an enable, a restart --now or one guarded on the unit", () => {
    expect(handlerPositions([unitOp("restart", "a.service"), install])).toEqual([undefined, undefined]);
    expect(handlerPositions([program(["true"], { cls: "none", why: "test" }), unitOp("restart", "a.service")])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("enable", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("restart", "a.service", { now: true })])).toEqual([undefined, undefined]);
    expect(handlerPositions([install, unitOp("reload", "a.service", { onlyIfInstalled: true })])).toEqual([undefined, undefined]);
  });
});

describe("dual stack", () => {
  it("a network's cidr6 is resolved beside its IPv4 cidr, and its gateway holds both addresses", () => {
    const b = buildGolden("dual-stack-vlan");
    const v6 = b.site.networks.map((n) => [n.cidr, n.v6?.cidr]);
    expect(v6).toContainEqual(["198.51.100.0/24", "2001:db8:300::/64"]);
    expect(v6.every(([, c]) => c !== undefined)).toBe(true);
    const added = b.plan.steps.filter((st) => st.host === "gw1").flatMap((st) => st.apply)
      .flatMap((a) => (a.kind === "addr-replace" ? [a.cidr] : []));
    expect(added).toEqual(expect.arrayContaining(["198.51.100.1/24", "2001:db8:300::1/64"]));
  });
});

describe("the output folder", () => {
  afterEach(() => { vi.restoreAllMocks(); delete process.env.SITEGEN_FAULT; });

  it("an error that is not a failed system call passes through, not blamed on the --out folder", () => {
    const bug = Object.assign(new TypeError("bad argument"), { code: "ERR_INVALID_ARG_TYPE" });
    expect(outputError(bug, "/o", "/o/s")).toBe(bug);
    const full = Object.assign(new Error("no space"), { code: "ENOSPC", syscall: "write", path: "/o/s.tmp/x" });
    const e = outputError(full, "/o", "/o/s");
    expect(e).toBeInstanceOf(OutputError);
    expect((e as Error).message).toBe("cannot write /o/s: no space left on the device holding /o; free some space and run gen again (ENOSPC); "
      + "nothing was written to /o/s");
  });

  it("an output fault in the second thread (gen --all) is still an output fault, not a usage error", async () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-meaning-"));
    process.env.SITEGEN_THREADS = "2";
    try {
      const sites = ["jumphost", "roosevelt"];
      const [, theirs] = halves(sites, (s) => statSync(join(ROOT, `inventories/${s}.yaml`)).size);
      writeFileSync(join(out, theirs[0]!), "not a folder\n");
      const run = runSites("gen", { inventory: join(ROOT, "inventories"), out }, sites, pathToFileURL(join(ROOT, "dist/gen.cjs")));
      const message = `${out}/${theirs[0]} is a file, not a folder gen wrote; move it away or delete it, then run gen again`;
      await expect(run).rejects.toThrow(new OutputError(message));
      await expect(run).rejects.toBeInstanceOf(OutputError);
    } finally { delete process.env.SITEGEN_THREADS; rmSync(out, { recursive: true, force: true }); }
  });

  it("the tree-half-written fault kills gen after four files (write-atomic.test.ts kills it there)", () => {
    const out = mkdtempSync(join(tmpdir(), "sitegen-meaning-"));
    try {
      process.env.SITEGEN_FAULT = "tree-half-written";
      let written: string[][] = [];
      // what is on disk at the instant of the kill: the half-written working tree, nothing else
      vi.spyOn(process, "kill").mockImplementation(() => {
        written = readdirSync(out).map((d) => [d.replace(/-\d+-\d+$/, ""), ...readdirSync(join(out, d)).sort()]);
        throw new Error("killed");
      });
      const files = ["a", "b", "c", "d", "e", "f"].map((n) => ({ path: `${n}.txt`, content: `${n}\n`, mode: 0o644 as const }));
      expect(() => writeSite(out, "s", files)).toThrow("killed");
      expect(written).toEqual([[".s.tmp", "a.txt", "b.txt", "c.txt", "d.txt"]]);
    } finally { rmSync(out, { recursive: true, force: true }); }
  });
});

describe("REVIEW.md", () => {
  it("a site of two hosts or more gets a runbook per host; a one-host site's runbook is REVIEW.md itself", () => {
    const runbooks = (b: Build) => b.files.filter((f) => /^hosts\/[^/]+\/REVIEW\.md$/.test(f.path)).length;
    expect(runbooks(buildGolden("vrouter-single"))).toBe(2);
    expect(runbooks(buildGolden("dual-stack-vlan"))).toBe(3);
    expect(runbooks(buildGolden("jumphost-netplan"))).toBe(0);
  });

  it("hosts alike are compared with each host's own router addresses (a node's own address, a member's own and priority)", () => {
    const site = buildFuelEnv(fuelEnvText()).site;
    const routerSlots = (host: string) => slotsOf(site, site.hosts.find((h) => h.name === host)!)
      .filter((x) => x.column === "router addresses" || x.column === "failover priority").map((x) => x.value);
    expect(routerSlots("cmp1")).toEqual(["192.168.0.21"]);
    expect(routerSlots("cmp2")).toEqual(["192.168.0.22"]);
    expect(routerSlots("ctrl2")).toEqual(["192.168.0.4", "100"]);
  });

  it("the topology's legend explains outside routers when one network's gateway is one", () => {
    expect(topology(buildGolden("dual-stack-vlan").site).legend).toEqual({ subifs: true, namespaces: false, routers: true, routes: false });
    expect(topology(buildGolden("jumphost-netplan").site).legend.routers).toBe(false);
  });
});
