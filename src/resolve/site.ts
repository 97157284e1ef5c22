// The typed, resolved Site every target reads. Built only from a document that passed validation.
import type { Allocation } from "../alloc/allocate.js";
import type { BridgeOwner, BridgeType, GatewayDoc, HostDoc, NetworkDoc, SiteDoc } from "../model/types.js";
import { parseAddress, parseCidr, type Cidr } from "../net/cidr.js";
import { attachments } from "./attachments.js";
import { resolveVrouters, type Vrouter } from "./vrouter.js";

/** A host bridge and who owns it: every target reads this one shape (the virtual router's legs too). */
export interface Bridge {
  readonly name: string;
  readonly owner: BridgeOwner;
  readonly type: BridgeType;
  readonly ports: readonly string[];
  readonly libvirtNetwork?: string;
  readonly vlanFiltering: boolean;
}

/** A dual-stack network's second (IPv6) prefix and the gateway's address in it. */
export interface IfAddr {
  readonly family: 6;
  readonly cidr: string;
  readonly address: string;
  readonly prefix: number;
  readonly ifaddr: string;
}

/** Every address a gateway holds: its own, then the dual-stack IPv6 one. */
export const addrsOf = (g: HostGateway | CheckedGateway): Array<Pick<IfAddr, "cidr" | "address" | "prefix" | "ifaddr"> & { family: 4 | 6 }> => [
  g,
  ...(g.dual ? [g.dual] : []),
];

/** A gateway sitegen creates: a VLAN sub-interface of a host bridge holding the gateway address. */
export interface HostGateway {
  readonly network: string;
  readonly cidr: string; // 10.12.8.0/22
  readonly family: 4 | 6;
  readonly address: string; // 10.12.8.1
  readonly prefix: number;
  readonly ifaddr: string; // 10.12.8.1/22: the address as an interface carries it
  /** Dual-stack: the IPv6 gateway the same sub-interface holds. */
  readonly dual?: IfAddr;
  readonly bridge: Bridge;
  readonly vid: number;
  readonly ifname: string; // virbr1.104
  readonly persistence: "systemd" | "netplan";
  readonly persistenceReason: string;
  readonly unit: string; // provider-vip-gw.service
  /** Other addresses on the network, for REVIEW.md's suggested tests (statics first). */
  readonly testTargets: readonly string[];
}

/** A gateway someone else holds: the bridge's owner on this host, or an external router. */
export interface CheckedGateway {
  readonly network: string;
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefix: number;
  readonly ifaddr: string;
  readonly dual?: IfAddr;
  readonly on: "bridge-owner" | "router";
  readonly router?: string;
  readonly bridge?: string;
}

export interface Host {
  readonly name: string;
  readonly management: string;
  readonly forwarding: { readonly ipv4: boolean; readonly ipv6: boolean };
  readonly bridges: readonly Bridge[];
  readonly gateways: readonly HostGateway[];
  readonly checked: readonly CheckedGateway[];
  /** Its own addresses (an attachment's 'address', on an untagged network): set by whoever manages the host, checked by verify. */
  readonly addresses: ReadonlyArray<{ readonly network: string; readonly bridge: string; readonly address: string; readonly ifaddr: string }>;
}

export interface Network {
  readonly name: string;
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly vlan?: number;
  readonly description?: string;
  /** Dual-stack: the IPv6 prefix the VLAN also carries. */
  readonly v6?: { readonly cidr: string; readonly prefix: number };
  readonly gateway?: { readonly address: string; readonly address6?: string; readonly on: string; readonly host?: string; readonly router?: string };
  readonly ranges: ReadonlyArray<{ readonly name: string; readonly from: string; readonly to: string; readonly purpose?: string }>;
  readonly statics: ReadonlyArray<{ readonly name: string; readonly address: string; readonly description?: string }>;
  readonly attach: ReadonlyArray<{ readonly host: string; readonly bridge: string; readonly address?: string }>;
}

export interface Site {
  readonly name: string;
  readonly source: string; // inventories/jumphost.yaml, for headers
  readonly decision?: string;
  readonly description?: string;
  readonly hosts: readonly Host[];
  readonly networks: readonly Network[];
  /** Virtual routers (src/resolve/vrouter.ts); empty for sites without any. */
  readonly vrouters: readonly Vrouter[];
  /** What `auto` received (src/alloc), in inventory order; empty when nothing is auto. */
  readonly allocations: readonly Allocation[];
  /** Validation warnings, located in source (compile() fills them in; REVIEW.md repeats them at the top). */
  readonly warnings: readonly SiteWarning[];
}

export interface SiteWarning {
  readonly where: string;
  readonly code: string;
  readonly object: string;
  readonly message: string;
  readonly help?: string;
}

const canon = (s: string) => parseAddress(s)!.text;
const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function resolve(doc: SiteDoc, source: string, allocations: Allocation[] = []): Site {
  const networks = doc.networks.map(resolveNetwork);
  // Networks each host is attached to, so resolving stays linear in the site's size.
  const attached = new Map<string, number[]>();
  networks.forEach((n, i) => n.attach.forEach((a) => attached.set(a.host, [...(attached.get(a.host) ?? []), i])));
  const netsOf = (host: string) => (attached.get(host) ?? []).map((i): [NetworkDoc, Network] => [doc.networks[i]!, networks[i]!]);
  const hosts = doc.hosts.map((h) => resolveHost(h, netsOf(h.name))).sort(byName);
  networks.sort(byName); // only now: the host lookups above index networks in inventory order
  return {
    name: doc.site,
    source,
    ...(doc.decision ? { decision: doc.decision } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    hosts,
    networks,
    vrouters: resolveVrouters(doc.vrouters ?? [], networks, hosts),
    allocations,
    warnings: [],
  };
}

function resolveNetwork(n: NetworkDoc): Network {
  const c = (parseCidr(n.cidr) as { ok: Cidr }).ok;
  const c6 = n.cidr6 === undefined ? undefined : (parseCidr(n.cidr6) as { ok: Cidr }).ok;
  return {
    name: n.name,
    cidr: c.text,
    family: c.family,
    prefix: c.prefix,
    ...(n.vlan !== undefined ? { vlan: n.vlan } : {}),
    ...(n.description ? { description: n.description } : {}),
    ...(c6 ? { v6: { cidr: c6.text, prefix: c6.prefix } } : {}),
    ...(n.gateway ? { gateway: gatewayOf(n.gateway) } : {}),
    ranges: (n.ranges ?? []).map((r) => ({ name: r.name, from: canon(r.from), to: canon(r.to), ...(r.purpose ? { purpose: r.purpose } : {}) })),
    statics: (n.statics ?? []).map((s) => ({ name: s.name, address: canon(s.address), ...(s.description ? { description: s.description } : {}) })),
    attach: (n.attach ?? []).map((a) => ({ host: a.host, bridge: a.bridge, ...(a.address ? { address: canon(a.address) } : {}) })),
  };
}

/** Host h with the networks it is attached to, each as written and as resolved. */
function resolveHost(h: HostDoc, nets: Array<[NetworkDoc, Network]>): Host {
  const bridges = (h.bridges ?? [])
    .map((b): Bridge => ({
      name: b.name,
      owner: b.owner,
      type: b.type ?? "linux",
      ports: b.ports ?? [],
      ...(b.libvirt_network ? { libvirtNetwork: b.libvirt_network } : {}),
      vlanFiltering: b.vlan_filtering ?? false,
    }))
    .sort(byName);
  const { gateways, checked, addresses } = attachments(h.name, nets, bridges);
  const has = (f: 4 | 6) => gateways.some((g) => g.family === f || (f === 6 && g.dual));
  return {
    name: h.name,
    management: canon(h.management),
    bridges,
    forwarding: { ipv4: h.forwarding?.ipv4 ?? has(4), ipv6: h.forwarding?.ipv6 ?? has(6) },
    gateways: gateways.sort((a, b) => (a.ifname < b.ifname ? -1 : 1)),
    checked: checked.sort((a, b) => (a.network < b.network ? -1 : 1)),
    addresses: addresses.sort((a, b) => (a.network < b.network ? -1 : 1)),
  };
}

function gatewayOf(g: GatewayDoc): NonNullable<Network["gateway"]> {
  return {
    address: canon(g.address),
    ...(g.address6 ? { address6: canon(g.address6) } : {}),
    on: g.on,
    ...(g.host ? { host: g.host } : {}),
    ...(g.router ? { router: g.router } : {}),
  };
}
