// How a gateway persists (src/resolve/site.ts): auto picks netplan on a netplan bridge, else a systemd
// oneshot after the owner, and says why.
import { describe, expect, it } from "vitest";
import { type Build } from "../../../src/compile.js";
import { buildGolden } from "../../helpers/compile.js";

describe("gateway persistence", () => {
  it("auto says why: netplan's own definition on a netplan bridge, else a systemd oneshot after the owner", () => {
    const reasons = (b: Build) => b.site.hosts.flatMap((h) => h.gateways.map((g) => g.persistenceReason.split(",")[0]));
    expect(reasons(buildGolden("jumphost-netplan"))).toEqual(["auto: netplan owns br-prov"]);
    expect([...new Set(reasons(buildGolden("dual-stack-vlan")))].sort()).toEqual(["auto: br0 is owned by systemd-networkd", "auto: netplan owns br1"]);
  });
});
