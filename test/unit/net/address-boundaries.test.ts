// Address math at the edges (src/net/cidr.ts): /31 and /30 ends, the multicast control block, and the
// validator naming them as the math does.
import { describe, expect, it } from "vitest";
import { check } from "../../../src/compile.js";
import { hostSpan, multicastProblem, parseAddress, parseCidr, reservedRole, type Cidr } from "../../../src/net/cidr.js";
import { FUEL_ENV, fuelEnvOpts } from "../../helpers/compile.js";
import { fuelEnvText } from "../../helpers/variant.js";

const net = (text: string): Cidr => (parseCidr(text) as { ok: Cidr }).ok;

const addr = (text: string) => parseAddress(text)!;

describe("address boundaries", () => {
  it("both addresses of an IPv4 /31 are assignable (RFC 3021), a /30's ends are not", () => {
    expect(reservedRole(net("10.0.0.0/31"), addr("10.0.0.0"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.0/31"), addr("10.0.0.1"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.4/32"), addr("10.0.0.4"))).toBeUndefined();
    expect(reservedRole(net("10.0.0.0/30"), addr("10.0.0.0"))).toBe("the network address");
    expect(reservedRole(net("10.0.0.0/30"), addr("10.0.0.3"))).toBe("the broadcast address");
    expect(hostSpan(net("10.0.0.0/31"))).toBe("10.0.0.0 and 10.0.0.1");
    expect(hostSpan(net("10.0.0.0/30"))).toBe("10.0.0.1 and 10.0.0.2");
  });

  it("multicast: 224.0.0.0 and 224.0.0.255 are the control block, 225.0.0.0 to 239.255.255.255 are groups, the rest is not multicast", () => {
    const block = "in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)";
    const not = "not an IPv4 multicast address (224.0.0.0/4)";
    expect(multicastProblem(addr("224.0.0.0"))).toBe(block);
    expect(multicastProblem(addr("224.0.0.255"))).toBe(block);
    expect(multicastProblem(addr("224.0.1.0"))).toBeUndefined();
    expect(multicastProblem(addr("239.255.255.255"))).toBeUndefined();
    expect(multicastProblem(addr("223.255.255.255"))).toBe(not);
    expect(multicastProblem(addr("240.0.0.0"))).toBe(not);
  });

  it("the validator names 224.0.0.0 as in the control block, not as outside multicast", () => {
    const text = fuelEnvText().replace("sync: { group: 225.0.0.50", "sync: { group: 224.0.0.0");
    const d = check(text, FUEL_ENV, fuelEnvOpts);
    expect(d.map((x) => [x.code, x.message])).toEqual([
      ["vrouter-sync-not-multicast", "sync group 224.0.0.0 is in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)"],
    ]);
  });
});
