// Dual stack (src/resolve/site.ts): a network's cidr6 beside its IPv4 cidr, a gateway holding both.
import { describe, expect, it } from "vitest";
import { buildGolden } from "../../helpers/compile.js";

describe("dual stack", () => {
  it("a network's cidr6 is resolved beside its IPv4 cidr, and its gateway holds both addresses", () => {
    const b = buildGolden("dual-stack-vlan");
    const v6 = b.site.networks.map((n) => [n.cidr, n.v6?.cidr]);
    expect(v6).toContainEqual(["198.51.100.0/24", "2001:db8:300::/64"]);
    expect(v6.every(([, c]) => c !== undefined)).toBe(true);
    const added = b.plan.steps
      .filter((st) => st.host === "gw1")
      .flatMap((st) => st.apply)
      .flatMap((a) => (a.kind === "addr-replace" ? [a.cidr] : []));
    expect(added).toEqual(expect.arrayContaining(["198.51.100.1/24", "2001:db8:300::1/64"]));
  });
});
