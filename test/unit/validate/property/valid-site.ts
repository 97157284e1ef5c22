// An arbitrary of valid sites, correct by construction: unique names, one attachment per host and
// network, non-overlapping subnets, every address inside its subnet and claimed once. The properties
// assert that the validator accepts each one (no false positive) and that it compiles deterministically.
import fc from "fast-check";
import { stringify } from "yaml";

export const SITE = "prop";
const OWNERS = ["libvirt", "netplan", "systemd-networkd", "unmanaged"] as const;

/** Free text: anything printable, shell metacharacters included, no control characters. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** U+FFFD is what bytes that are not UTF-8 read as: refused in any inventory, so not in a valid one. */
const REPLACEMENT = /\uFFFD/gu;
export const freeText = fc
  .string({ unit: "grapheme", maxLength: 40 })
  .map((s) => s.replace(CONTROL, "").replace(REPLACEMENT, ""))
  .chain((s) => fc.constantFrom(s, `$(touch /tmp/x) \`id\` 'q' "d" \\ ${s}`));

const hostName = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const bridgeName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,9}$/);

interface Plan {
  family: 4 | 6;
  prefix: number;
  vlan: boolean;
  attach: boolean[];
  bridgePick: number[];
  addr: boolean[];
  gateway: "none" | "router" | "bridge-owner" | "host";
  persistence: "auto" | "systemd" | "netplan" | undefined;
  statics: number;
  ranges: number;
  description: string | undefined;
  router: string;
}

const netPlan = (hosts: number): fc.Arbitrary<Plan> =>
  fc.record({
    family: fc.constantFrom<4 | 6>(4, 4, 6),
    prefix: fc.integer({ min: 16, max: 27 }),
    vlan: fc.boolean(),
    attach: fc.array(fc.boolean(), { minLength: hosts, maxLength: hosts }),
    bridgePick: fc.array(fc.nat(5), { minLength: hosts, maxLength: hosts }),
    addr: fc.array(fc.boolean(), { minLength: hosts, maxLength: hosts }),
    gateway: fc.constantFrom("none", "router", "bridge-owner", "host"),
    persistence: fc.constantFrom(undefined, "auto", "systemd", "netplan"),
    statics: fc.nat(3),
    ranges: fc.nat(2),
    description: fc.option(freeText, { nil: undefined }),
    router: freeText.map((s) => `r${s}`),
  });

/** Address number k of network i (k >= 1), as text. */
const addr = (family: 4 | 6, i: number, k: number): string =>
  family === 4 ? `10.${i + 1}.${k >> 8}.${k & 255}` : `2001:db8:${(i + 1).toString(16)}::${k.toString(16)}`;

const siteArb = fc.uniqueArray(hostName, { minLength: 1, maxLength: 3 }).chain((names) =>
  fc.record({
    names: fc.constant(names),
    bridges: fc.array(fc.uniqueArray(bridgeName, { minLength: 1, maxLength: 3 }), { minLength: names.length, maxLength: names.length }),
    owners: fc.array(fc.array(fc.constantFrom(...OWNERS), { minLength: 3, maxLength: 3 }), { minLength: names.length, maxLength: names.length }),
    forwarding: fc.array(fc.option(fc.record({ ipv4: fc.boolean() }), { nil: undefined }), { minLength: names.length, maxLength: names.length }),
    nets: fc.array(netPlan(names.length), { minLength: 1, maxLength: 4 }),
    description: fc.option(freeText, { nil: undefined }),
    decision: fc.option(
      fc.integer({ min: 1, max: 999 }).map((n) => `D-${n}`),
      { nil: undefined },
    ),
    flow: fc.boolean(),
  }),
);

type Doc = Record<string, unknown>;
interface Shape {
  names: string[];
  bridges: string[][];
  owners: string[][];
  forwarding: Array<{ ipv4: boolean } | undefined>;
  nets: Plan[];
  description: string | undefined;
  decision: string | undefined;
  flow: boolean;
}

function hosts(s: Shape): Doc[] {
  return s.names.map((name, h) => ({
    name,
    management: `10.250.${h}.${h + 1}`,
    ...(s.forwarding[h] ? { forwarding: s.forwarding[h] } : {}),
    bridges: s.bridges[h]!.map((b, j) => {
      const owner = s.owners[h]![j]!;
      return { name: b, owner, ...(owner === "libvirt" ? { libvirt_network: `net_${b}` } : {}) };
    }),
  }));
}

function network(s: Shape, p: Plan, i: number): Doc {
  let k = 1;
  const next = () => addr(p.family, i, k++);
  const attach = s.names.flatMap((host, h) => (p.attach[h] ? [{ host, bridge: s.bridges[h]![p.bridgePick[h]! % s.bridges[h]!.length]!, h }] : []));
  const n: Doc = { name: `net${i}`, cidr: `${p.family === 4 ? `10.${i + 1}.0.0` : `2001:db8:${(i + 1).toString(16)}::`}/${p.family === 4 ? p.prefix : 64}` };
  if (p.description !== undefined) n.description = p.description;
  if ((p.vlan && p.gateway !== "bridge-owner") || p.gateway === "host") n.vlan = 100 + i; // a bridge owner holds its untagged address
  const g = attach[0];
  if (p.gateway === "router") n.gateway = { address: next(), on: "router", router: p.router };
  else if (p.gateway !== "none" && g) {
    const owner = s.owners[g.h]![s.bridges[g.h]!.indexOf(g.bridge)]!;
    const persistence = p.persistence === "netplan" && owner !== "netplan" ? "systemd" : p.persistence;
    n.gateway = { address: next(), on: p.gateway, host: g.host, ...(p.gateway === "host" && persistence ? { persistence } : {}) };
  }
  // a host's own address is checked on its bridge, so only an untagged network carries one
  const own = (h: number) => p.addr[h] && n.vlan === undefined;
  if (attach.length) n.attach = attach.map((a) => ({ host: a.host, bridge: a.bridge, ...(own(a.h) ? { address: next() } : {}) }));
  if (p.statics) n.statics = Array.from({ length: p.statics }, (_, j) => ({ name: `s${j}`, address: next() }));
  if (p.ranges) {
    n.ranges = Array.from({ length: p.ranges }, (_, j) => {
      const from = next();
      k += 2;
      return { name: `r${j}`, from, to: next(), purpose: "reserved" };
    });
  }
  return n;
}

function build(s: Shape): string {
  const doc: Doc = {
    site: SITE,
    ...(s.decision ? { decision: s.decision } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    hosts: hosts(s),
    networks: s.nets.map((p, i) => network(s, p, i)),
  };
  return stringify(doc, s.flow ? { collectionStyle: "flow" } : {});
}

/** YAML text of a valid site named SITE. */
export const validSite: fc.Arbitrary<string> = siteArb.map(build);
