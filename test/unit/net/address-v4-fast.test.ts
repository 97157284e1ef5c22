// parseAddress and format compute canonical IPv4 addresses themselves (src/net/cidr.ts): the same values and
// text as ip-address gives, for the edges and for random addresses; every other form still goes to ip-address.
import { Address4 } from "ip-address";
import { describe, expect, it } from "vitest";
import { format, parseAddress, parseCidr } from "../../../src/net/cidr.js";

/** What ip-address alone makes of s (parseAddress before the canonical IPv4 path). */
function byLibrary(s: string) {
  if (s.includes("/") || s.includes("%") || !Address4.isValid(s)) return undefined;
  const a = new Address4(s);
  return { family: 4, value: a.bigInt(), text: a.correctForm() };
}

// a fixed sequence (a multiplicative hash of 1..2000): the same addresses on every run
const randoms = Array.from({ length: 2000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0);

describe("canonical IPv4 addresses", () => {
  it("parse to the value and text ip-address gives", () => {
    const texts = ["0.0.0.0", "255.255.255.255", "10.12.8.1", "1.2.3.4", "199.249.250.251", ...randoms.map((n) => format(4, BigInt(n)))];
    for (const t of texts) expect(parseAddress(t), t).toEqual(byLibrary(t));
  });

  it("format as Address4.fromBigInt(value).correctForm() does", () => {
    for (const n of [0, 1, 255, 256, 0x7fffffff, 0x80000000, 0xffffffff, ...randoms]) {
      expect(format(4, BigInt(n))).toBe(Address4.fromBigInt(BigInt(n)).correctForm());
    }
  });

  it("leave other forms to ip-address, as before", () => {
    for (const t of ["010.1.1.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ", "01.02.03.04", "1.2.3.-1", "a.b.c.d", "1.2.3.4/24"]) {
      expect(parseAddress(t), t).toEqual(byLibrary(t));
    }
    expect(parseCidr("10.12.8.0/22")).toEqual({ ok: { family: 4, prefix: 22, first: 0x0a0c0800n, last: 0x0a0c0bffn, text: "10.12.8.0/22" } });
    expect(parseCidr("10.12.8.1/22")).toEqual({ error: "host-bits", suggestion: "10.12.8.0/22" });
  });
});
