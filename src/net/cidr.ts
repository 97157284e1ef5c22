// All address math lives here, below validate and resolve: the only module that imports ip-address.
import { Address4, Address6 } from "ip-address";

export type Family = 4 | 6;
export interface Addr {
  family: Family;
  value: bigint;
  text: string;
}
export interface Cidr {
  family: Family;
  prefix: number;
  first: bigint;
  last: bigint;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/**
 * The value of an IPv4 address in its canonical form (decimal octets 0-255, no leading zeros: it is its own
 * correctForm()), read a character at a time; undefined for any other text, which goes to ip-address.
 * ip-address's parse (a regex per part, then correctForm and bigInt through strings) was about 0.3 s of the
 * 2,000-host site's compile, and the anchored regex with split() that replaced it another 70 ms (each address is
 * read by several rules, then by resolve).
 */
function canonicalV4(s: string): Addr | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (digits === 0 || dots !== 3) return undefined;
  return { family: 4, value: BigInt(value * 256 + octet), text: s };
}

/** A plain address (no prefix). Returns undefined when it is not one. */
export function parseAddress(s: string): Addr | undefined {
  const v4 = canonicalV4(s);
  if (v4) return v4;
  // A zone id (fe80::1%eth0) would be dropped by correctForm: refused, not silently lost
  if (s.includes("/") || s.includes("%")) return undefined;
  if (Address4.isValid(s)) {
    const a = new Address4(s);
    return { family: 4, value: a.bigInt(), text: a.correctForm() };
  }
  if (Address6.isValid(s)) {
    const a = new Address6(s);
    return { family: 6, value: a.bigInt(), text: a.correctForm() };
  }
  return undefined;
}

export type CidrResult = { ok: Cidr } | { error: "invalid" } | { error: "host-bits"; suggestion: string };

/** A network in CIDR form. Host bits must be zero; otherwise the network it belongs to is suggested. */
export function parseCidr(s: string): CidrResult {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return { error: "invalid" };
  const addr = parseAddress(m[1]!);
  const prefix = Number(m[2]);
  if (!addr || prefix > BITS[addr.family]) return { error: "invalid" };
  const size = 1n << BigInt(BITS[addr.family] - prefix);
  const first = addr.value - (addr.value % size);
  const text = `${format(addr.family, first)}/${prefix}`;
  if (first !== addr.value) return { error: "host-bits", suggestion: text };
  return { ok: { family: addr.family, prefix, first, last: first + size - 1n, text } };
}

export function format(family: Family, value: bigint): string {
  if (family === 4 && value >= 0n && value <= 0xffffffffn) {
    // the dotted quad, as Address4.fromBigInt(value).correctForm() writes it
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return family === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

export function contains(net: Cidr, a: Addr): boolean {
  return a.family === net.family && a.value >= net.first && a.value <= net.last;
}

/** Why an address inside net cannot be assigned to a host, or undefined if it can. */
export function reservedRole(net: Cidr, a: Addr): string | undefined {
  if (net.family === 4 && net.prefix >= 31) return undefined; // RFC 3021 point-to-point
  if (net.family === 6 && net.prefix >= 127) return undefined; // RFC 6164
  if (a.value === net.first) return net.family === 4 ? "the network address" : "the subnet-router anycast address";
  if (net.family === 4 && a.value === net.last) return "the broadcast address";
  return undefined;
}

/** First and last assignable host addresses, for hints. */
export function hostSpan(net: Cidr): string {
  const lo = net.family === 4 && net.prefix >= 31 ? net.first : net.first + 1n;
  const hi = net.family === 4 && net.prefix < 31 ? net.last - 1n : net.last;
  return `${format(net.family, lo)} and ${format(net.family, hi)}`;
}

const MCAST4 = { first: 0xe0000000n, last: 0xefffffffn }; // 224.0.0.0/4
const LOCAL_CONTROL4 = { first: 0xe0000000n, last: 0xe00000ffn }; // 224.0.0.0/24

/** Why an address cannot be a multicast group for an application's own traffic, or undefined if it can. */
export function multicastProblem(a: Addr): string | undefined {
  if (a.family !== 4 || a.value < MCAST4.first || a.value > MCAST4.last) return "not an IPv4 multicast address (224.0.0.0/4)";
  const localControl = a.value <= LOCAL_CONTROL4.last && a.value >= LOCAL_CONTROL4.first;
  if (localControl) return "in 224.0.0.0/24, the local network control block (VRRP's 224.0.0.18 and routing protocols)";
  return undefined;
}

/** Blocks that are not a routed unicast network a host or router can be given. */
const SPECIAL: Array<{ family: Family; first: bigint; last: bigint; what: string }> = [
  { family: 4, first: 0x00000000n, last: 0x00ffffffn, what: "0.0.0.0/8, unspecified ('this network')" },
  { family: 4, first: 0x7f000000n, last: 0x7fffffffn, what: "127.0.0.0/8, loopback" },
  { family: 4, first: 0xa9fe0000n, last: 0xa9feffffn, what: "169.254.0.0/16, link-local" },
  { family: 4, first: MCAST4.first, last: 0xffffffffn, what: "224.0.0.0/3, multicast and reserved" },
  { family: 6, first: 0n, last: 1n, what: "::/127, unspecified and loopback" },
  { family: 6, first: 0xfe80n << 112n, last: (0xfec0n << 112n) - 1n, what: "fe80::/10, link-local" },
  { family: 6, first: 0xffn << 120n, last: (1n << 128n) - 1n, what: "ff00::/8, multicast" },
];

/** The special block (loopback, multicast, link-local, unspecified) a network overlaps, or undefined. */
export function specialBlockOf(net: Pick<Cidr, "family" | "first" | "last">): string | undefined {
  return SPECIAL.find((b) => b.family === net.family && b.first <= net.last && net.first <= b.last)?.what;
}

/** The special block an address is in, or undefined: such an address cannot be a host's management address. */
export const specialAddress = (a: Addr): string | undefined => specialBlockOf({ family: a.family, first: a.value, last: a.value });
