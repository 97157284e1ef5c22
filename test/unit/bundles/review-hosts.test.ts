// REVIEW.md per host (src/bundles/review*.ts): one runbook for the site, hosts alike compared with their
// own addresses, the topology's legend.
import { describe, expect, it } from "vitest";
import { slotsOf } from "../../../src/bundles/review-shape.js";
import { topology } from "../../../src/bundles/topology.js";
import type { Build } from "../../../src/compile.js";
import { buildFuelEnv, buildGolden } from "../../helpers/compile.js";
import { runbookOf } from "../../helpers/runbook.js";
import { fuelEnvText } from "../../helpers/variant.js";

describe("REVIEW.md", () => {
  it("REVIEW.md is the one runbook, each fact once: a host's section there, no runbook file per host", () => {
    const runbooks = (b: Build) => b.files.filter((f) => f.path.endsWith(".md")).map((f) => f.path);
    for (const c of ["vrouter-single", "dual-stack-vlan", "jumphost-netplan"]) expect(runbooks(buildGolden(c)), c).toEqual(["REVIEW.md"]);
    const b = buildGolden("dual-stack-vlan");
    for (const h of b.site.hosts) expect(runbookOf(b, h.name).text, h.name).toContain("### Phase 1: audit (read-only)");
  });

  it("hosts alike are compared with each host's own router addresses (a node's own address, a member's own and priority)", () => {
    const site = buildFuelEnv(fuelEnvText()).site;
    const routerSlots = (host: string) =>
      slotsOf(
        site,
        site.hosts.find((h) => h.name === host)!,
      )
        .filter((x) => x.column === "router addresses" || x.column === "failover priority")
        .map((x) => x.value);
    expect(routerSlots("cmp1")).toEqual(["192.168.0.21"]);
    expect(routerSlots("cmp2")).toEqual(["192.168.0.22"]);
    expect(routerSlots("ctrl2")).toEqual(["192.168.0.4", "100"]);
  });

  it("the topology's legend explains outside routers when one network's gateway is one", () => {
    expect(topology(buildGolden("dual-stack-vlan").site).legend).toEqual({ subifs: true, namespaces: false, routers: true, routes: false });
    expect(topology(buildGolden("jumphost-netplan").site).legend.routers).toBe(false);
  });
});
