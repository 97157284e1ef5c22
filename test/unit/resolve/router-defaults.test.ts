// What the defaults give a virtual router (src/resolve/vrouter.ts, src/alloc): sync mode, member
// addresses, the lock's entries, conntrackd's peers.
import { describe, expect, it } from "vitest";
import { parseLock } from "../../../src/alloc/lock.js";
import { withHa } from "../../../src/resolve/vrouter.js";
import { conntrackdConfText } from "../../../src/targets/conntrackd/index.js";
import { buildFuelEnv, fuelEnvLock } from "../../helpers/compile.js";
import { fuelEnvText, withoutHa } from "../../helpers/variant.js";

/** fuel-env with its third controller left out of the router. */
const twoMembers = (text: string) => text.replace(/^ {6}- \{ host: ctrl3, address: auto, priority: 90 \}\n/m, "");

describe("router defaults", () => {
  it("the sync mode defaults to FTFW for two members and NOTRACK for three", () => {
    const three = buildFuelEnv(fuelEnvText()).site.vrouters[0]!;
    const two = buildFuelEnv(twoMembers(fuelEnvText()), false).site.vrouters[0]!;
    expect(two.members).toHaveLength(2);
    expect(withHa(three) && three.ha.sync.mode).toBe("notrack");
    expect(withHa(two) && two.ha.sync.mode).toBe("ftfw");
  });

  it("auto member addresses skip a VIP written out on the same network", () => {
    const text = fuelEnvText().replace("management: { network: management, vip: auto", "management: { network: management, vip: 192.168.0.3");
    expect(buildFuelEnv(text, false).site.vrouters[0]!.members.map((m) => m.address)).toEqual(["192.168.0.2", "192.168.0.4", "192.168.0.5"]);
  });

  it("a member may go without an address when the router has no ha; the others still get theirs", () => {
    const text = withoutHa(fuelEnvText()).replace("{ host: ctrl3, address: auto }", "{ host: ctrl3 }");
    expect(buildFuelEnv(text, false).site.vrouters[0]!.members.map((m) => m.address)).toEqual(["192.168.0.3", "192.168.0.4", undefined]);
  });

  it("a lock entry needs both its value and a whole generation", () => {
    const errors = (ctrl1: string) =>
      parseLock(fuelEnvLock.text.replace("ctrl1: { address: 192.168.0.3, generation: 1 }", `ctrl1: ${ctrl1}`), fuelEnvLock.file, "fuel-env").errors.map((d) => [
        d.line,
        d.message,
      ]);
    const bad = [[11, "each entry is { address: ..., generation: N }"]];
    expect(errors("{ address: 192.168.0.3, generation: 1 }")).toEqual([]);
    expect(errors("192.168.0.3")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3 }")).toEqual(bad);
    expect(errors("{ address: 192.168.0.3, generation: 1.5 }")).toEqual(bad);
    expect(errors("{ generation: 1 }")).toEqual(bad);
  });

  it("each member's conntrackd.conf names the other members as its peers", () => {
    const b = buildFuelEnv(fuelEnvText());
    const v = b.site.vrouters[0]!;
    if (!withHa(v)) throw new Error("fuel-env's router has ha");
    const peers = v.members.map((m) => conntrackdConfText(b.site, v, m).match(/with the other members \(([^)]*)\)/)?.[1]);
    expect(peers).toEqual(["ctrl2, ctrl3", "ctrl1, ctrl3", "ctrl1, ctrl2"]);
    expect(conntrackdConfText(b.site, v, v.members[0]!)).toContain("Started by sitegen-vrouter-conntrackd.service; keepalived's notify script");
  });
});
