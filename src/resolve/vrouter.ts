// Virtual routers, resolved: every default filled in, every reference followed. Built only from a
// document that passed validation (the vrouter-* rules).
import type { SiteDoc, VrouterDoc, VrouterLegDoc } from "../model/types.js";
import { parseAddress, parseCidr, type Cidr } from "../validate/cidr.js";

export interface VrBridge { name: string; type: "linux" | "ovs"; owner: string; ports: string[] }

/** One leg of the router: the network, its VIP, and the names of the links that carry it. */
export interface VrouterLeg {
  role: "management" | "public";
  network: string;
  cidr: string; // 192.168.0.0/24
  prefix: number;
  vip: string;
  link: string; // inside the namespace: vr-mgmt
  peer: string; // Linux bridge: the veth end on the bridge, in the host namespace
  vlan?: number;
}

export interface VrouterMember {
  host: string;
  primary: boolean;
  /** The namespace's own management address (the low-priority route's source), if given. */
  address?: string;
  bridges: { management: VrBridge; public: VrBridge };
}

/** A public-less node the router serves: on the management network, not on the public one. */
export interface VrouterNode { host: string; address: string; prefix: number; bridge: VrBridge }

export interface Vrouter {
  name: string;
  namespace: string;
  primary: string;
  members: VrouterMember[];
  management: VrouterLeg;
  public: VrouterLeg;
  gateway: string;
  nat: { masquerade: boolean; backend: "nftables" | "iptables" };
  dns?: { upstreams: string[]; domain?: string };
  ntp?: { upstreams: string[]; daemon: "chrony" | "ntpd"; names: boolean };
  nodes: VrouterNode[];
}

export const LINK_DEFAULTS = { management: "vr-mgmt", public: "vr-ex" } as const;
export const defaultPeer = (link: string) => `${link}-p`;
export const DEFAULT_NAMESPACE = "vrouter";

const canon = (s: string) => parseAddress(s)?.text ?? s;

function leg(doc: SiteDoc, role: "management" | "public", l: VrouterLegDoc): VrouterLeg {
  const n = doc.networks.find((x) => x.name === l.network)!;
  const c = (parseCidr(n.cidr) as { ok: Cidr }).ok;
  const link = l.link ?? LINK_DEFAULTS[role];
  return {
    role, network: n.name, cidr: c.text, prefix: c.prefix, vip: canon(l.vip), link, peer: l.peer ?? defaultPeer(link),
    ...(n.vlan !== undefined ? { vlan: n.vlan } : {}),
  };
}

function bridgeOf(doc: SiteDoc, host: string, network: string): VrBridge {
  const att = doc.networks.find((n) => n.name === network)!.attach!.find((a) => a.host === host)!;
  const b = doc.hosts.find((h) => h.name === host)!.bridges!.find((x) => x.name === att.bridge)!;
  return { name: b.name, type: b.type ?? "linux", owner: b.owner, ports: b.ports ?? [] };
}

function resolveOne(doc: SiteDoc, v: VrouterDoc): Vrouter {
  const management = leg(doc, "management", v.management);
  const pub = leg(doc, "public", v.public);
  const primary = v.primary ?? v.members[0]!.host;
  const members = v.members.map((m): VrouterMember => ({
    host: m.host, primary: m.host === primary, ...(m.address ? { address: canon(m.address) } : {}),
    bridges: { management: bridgeOf(doc, m.host, management.network), public: bridgeOf(doc, m.host, pub.network) },
  }));
  const memberNames = new Set(members.map((m) => m.host));
  const mgmtNet = doc.networks.find((n) => n.name === management.network)!;
  const onPublic = new Set((doc.networks.find((n) => n.name === pub.network)!.attach ?? []).map((a) => a.host));
  const nodes = (mgmtNet.attach ?? [])
    .filter((a) => a.address && !memberNames.has(a.host) && !onPublic.has(a.host))
    .map((a): VrouterNode => ({ host: a.host, address: canon(a.address!), prefix: management.prefix, bridge: bridgeOf(doc, a.host, management.network) }))
    .sort((a, b) => (a.host < b.host ? -1 : 1));
  const gw = v.gateway ?? doc.networks.find((n) => n.name === pub.network)!.gateway!.address;
  return {
    name: v.name, namespace: v.namespace ?? DEFAULT_NAMESPACE, primary, members, management, public: pub, gateway: canon(gw),
    nat: { masquerade: v.nat?.masquerade ?? true, backend: v.nat?.backend ?? "nftables" },
    ...(v.dns ? { dns: { upstreams: v.dns.upstreams.map(canon), ...(v.dns.domain ? { domain: v.dns.domain } : {}) } } : {}),
    ...(v.ntp ? { ntp: { upstreams: v.ntp.upstreams.map(canon), daemon: v.ntp.daemon ?? "chrony", names: v.ntp.upstreams.some((u) => !parseAddress(u)) } } : {}),
    nodes,
  };
}

export function resolveVrouters(doc: SiteDoc): Vrouter[] {
  return (doc.vrouters ?? []).map((v) => resolveOne(doc, v)).sort((a, b) => (a.name < b.name ? -1 : 1));
}
