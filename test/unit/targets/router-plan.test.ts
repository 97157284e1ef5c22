// The virtual router's steps (src/targets/netns, vrouter-boot, keepalived, pacemaker, cloud-init): the
// audit's tools, inverses that may fail, addresses per leg, boot ordering, a node's network-config.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Build } from "../../../src/compile.js";
import { actionText } from "../../../src/render/shell-lines.js";
import { namespaceUnits } from "../../../src/targets/vrouter-boot/index.js";
import { buildFuelEnv, buildGolden } from "../../helpers/compile.js";
import { modelLines } from "../../helpers/gen.js";
import { fuelEnvText, variantText } from "../../helpers/variant.js";

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

  it("host.sh drift compares a member's nftables table with the ruleset file written for it, also for a router of one member", () => {
    const drift = (b: Build, host: string) =>
      modelLines(b.files.find((f) => f.path === `hosts/${host}/host.sh`)!.content).some((l) => l.includes("nftables-vrouter.nft"));
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
    const added = (id: string, host: string) =>
      b.plan.steps.find((s) => s.id === id && s.host === host)!.apply.flatMap((a) => (a.kind === "addr-replace" ? [a.cidr] : []));
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
    const unit = (b: Build, host: string, name: string) => b.files.find((f) => f.path === `hosts/${host}/files/${name}`)!.content;
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
    expect(parse(text)).toEqual({
      network: {
        version: 2,
        ethernets: { eth1: { dhcp4: false, dhcp6: false } },
        bridges: {
          "br-mgmt": {
            interfaces: ["eth1"],
            addresses: ["192.168.0.21/24"],
            routes: [{ to: "default", via: "192.168.0.2" }],
            nameservers: { addresses: ["192.168.0.2"], search: ["fuel-env.example"] },
          },
        },
      },
    });
  });

  it("the boot unit starts before every daemon in the namespace: keepalived's, or Pacemaker", () => {
    const ka = buildFuelEnv(fuelEnvText()).site.vrouters[0]!;
    expect(namespaceUnits(ka)).toEqual([
      "sitegen-vrouter-dnsmasq.service",
      "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service",
      "sitegen-vrouter-keepalived.service",
    ]);
    const pm = buildFuelEnv(
      fuelEnvText()
        .replace("manager: keepalived", "manager: pacemaker")
        .replace(/^ {6}(virtual_router_id|auth_vault_var): .*\n/gm, "")
        .replace(/^ {6}#.*\n/gm, ""),
      false,
    ).site.vrouters[0]!;
    expect(namespaceUnits(pm)).toEqual([
      "sitegen-vrouter-dnsmasq.service",
      "sitegen-vrouter-chrony.service",
      "sitegen-vrouter-conntrackd.service",
      "pacemaker.service",
    ]);
  });
});
