// REVIEW.md per host (src/bundles/review*.ts): a runbook per host, hosts alike compared with their
// own addresses, the topology's legend.
import { describe, expect, it } from "vitest";
import { slotsOf } from "../../../src/bundles/review-shape.js";
import { topology } from "../../../src/bundles/topology.js";
import type { Build } from "../../../src/compile.js";
import { buildFuelEnv, buildGolden } from "../../helpers/compile.js";
import { fuelEnvText } from "../../helpers/variant.js";

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
