// Virtual routers, resolved: every default filled in, every reference followed. Built only from a
// document that passed validation (the vrouter-* rules).
import type { SiteDoc, VrouterDoc, VrouterLegDoc } from "../model/types.js";
import { parseAddress, parseCidr, type Cidr } from "../net/cidr.js";
import { defaultPeer, defaultPriority, DEFAULT_NAMESPACE, LINK_DEFAULTS, SYNC_DEFAULTS } from "../model/defaults.js";

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
  /** With ha: keepalived priority / Pacemaker location score (distinct per member). */
  priority: number;
  /** The namespace's own management address (the low-priority route's source), if given. */
  address?: string;
  bridges: { management: VrBridge; public: VrBridge };
}

/** A public-less node the router serves: on the management network, not on the public one. */
export interface VrouterNode { host: string; address: string; prefix: number; bridge: VrBridge }

/** VIP failover (src/targets/keepalived, src/targets/pacemaker) with conntrackd sync (src/targets/conntrackd). */
export interface VrouterHa {
  manager: "keepalived" | "pacemaker";
  preempt: boolean;
  /** keepalived only. */
  vrrp?: { vrid: number; interval: number; authVar?: string };
  /** pacemaker only: resource names start with this. */
  prefix?: string;
  /** conntrackd's multicast channel on the management leg. */
  sync: { group: string; port: number; mode: "ftfw" | "notrack" };
}

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
  ha?: VrouterHa;
}

function resolveHa(v: VrouterDoc): VrouterHa | undefined {
  const h = v.ha;
  if (!h) return undefined;
  const sync = {
    group: canon(h.sync?.group ?? SYNC_DEFAULTS.group), port: h.sync?.port ?? SYNC_DEFAULTS.port,
    mode: h.sync?.mode ?? (v.members.length === 2 ? "ftfw" as const : "notrack" as const),
  };
  const base = { manager: h.manager, preempt: h.preempt ?? false, sync };
  if (h.manager === "pacemaker") return { ...base, prefix: h.resource_prefix ?? v.name };
  return {
    ...base,
    vrrp: { vrid: h.virtual_router_id!, interval: h.advert_interval ?? 1, ...(h.auth_vault_var ? { authVar: h.auth_vault_var } : {}) },
  };
}

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
    host: m.host, primary: m.host === primary, priority: m.priority ?? defaultPriority(v, m.host), ...(m.address ? { address: canon(m.address) } : {}),
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
    ...(v.ha ? { ha: resolveHa(v)! } : {}),
  };
}

export function resolveVrouters(doc: SiteDoc): Vrouter[] {
  return (doc.vrouters ?? []).map((v) => resolveOne(doc, v)).sort((a, b) => (a.name < b.name ? -1 : 1));
}
