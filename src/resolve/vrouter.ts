// Virtual routers, resolved: every default filled in, every reference followed through the
// already resolved networks and hosts. Built only from a document that passed validation (vrouter-*).
import { defaultPeer, defaultPriority, DEFAULT_NAMESPACE, LINK_DEFAULTS, SYNC_DEFAULTS } from "../model/defaults.js";
import type { VrouterDoc, VrouterLegDoc } from "../model/types.js";
import { parseAddress } from "../net/cidr.js";
import type { Bridge, Host, Network } from "./site.js";

/** One leg of the router: the network, its VIP, and the names of the links that carry it. */
export interface VrouterLeg {
  readonly role: "management" | "public";
  readonly network: string;
  readonly cidr: string; // 192.168.0.0/24
  readonly prefix: number;
  readonly vip: string;
  readonly vipAddr: string; // 192.168.0.2/24: the VIP as the leg carries it
  readonly link: string; // inside the namespace: vr-mgmt
  readonly peer: string; // Linux bridge: the veth end on the bridge, in the host namespace
  readonly vlan?: number;
}

export interface VrouterMember {
  readonly host: string;
  readonly primary: boolean;
  /** Holds the VIPs statically: the primary of a router without failover (with ha the manager places them). */
  readonly holdsVips: boolean;
  /** With ha: keepalived priority / Pacemaker location score (distinct per member). */
  readonly priority: number;
  /** The namespace's own management address (the low-priority route's source), if given. */
  readonly address?: string;
  readonly bridges: { readonly management: Bridge; readonly public: Bridge };
}

/** A public-less node the router serves: on the management network, not on the public one. */
export interface VrouterNode {
  readonly host: string;
  readonly address: string;
  readonly prefix: number;
  readonly bridge: Bridge;
}

/** conntrackd's multicast channel on the management leg. */
export interface SyncChannel {
  readonly group: string;
  readonly port: number;
  readonly mode: "ftfw" | "notrack";
}
/** VIP failover by VRRP (src/targets/keepalived). */
export interface KeepalivedHa {
  readonly manager: "keepalived";
  readonly preempt: boolean;
  readonly vrrp: { readonly vrid: number; readonly interval: number; readonly authVar?: string };
  readonly sync: SyncChannel;
}
/** VIP failover by Pacemaker (src/targets/pacemaker): resource names start with prefix. */
export interface PacemakerHa {
  readonly manager: "pacemaker";
  readonly preempt: boolean;
  readonly prefix: string;
  readonly sync: SyncChannel;
}
export type VrouterHa = KeepalivedHa | PacemakerHa;

export interface Vrouter {
  readonly name: string;
  readonly namespace: string;
  readonly primary: string;
  readonly members: readonly VrouterMember[];
  readonly management: VrouterLeg;
  readonly public: VrouterLeg;
  readonly gateway: string;
  /** The give-back target of a node whose only default route was via the management VIP. */
  readonly fallbackGateway?: string;
  readonly nat: { readonly masquerade: boolean; readonly backend: "nftables" | "iptables" };
  readonly dns?: { readonly upstreams: readonly string[]; readonly domain?: string };
  readonly ntp?: { readonly upstreams: readonly string[]; readonly daemon: "chrony" | "ntpd"; readonly names: boolean };
  readonly nodes: readonly VrouterNode[];
  readonly ha?: VrouterHa;
}

/** A router whose VIPs fail over, narrowed to its manager: targets take these, so no `ha!` is needed. */
export type HaRouter<H extends VrouterHa = VrouterHa> = Vrouter & { readonly ha: H };
export const withHa = (v: Vrouter): v is HaRouter => v.ha !== undefined;
export const byKeepalived = (v: Vrouter): v is HaRouter<KeepalivedHa> => v.ha?.manager === "keepalived";
export const byPacemaker = (v: Vrouter): v is HaRouter<PacemakerHa> => v.ha?.manager === "pacemaker";

const canon = (s: string) => parseAddress(s)?.text ?? s;

function resolveHa(v: VrouterDoc): VrouterHa | undefined {
  const h = v.ha;
  if (!h) return undefined;
  const sync: SyncChannel = {
    group: canon(h.sync?.group ?? SYNC_DEFAULTS.group),
    port: h.sync?.port ?? SYNC_DEFAULTS.port,
    mode: h.sync?.mode ?? (v.members.length === 2 ? "ftfw" : "notrack"),
  };
  const preempt = h.preempt ?? false;
  if (h.manager === "pacemaker") return { manager: "pacemaker", preempt, sync, prefix: h.resource_prefix ?? v.name };
  const vrrp = {
    vrid: h.virtual_router_id as number, // a number here: src/alloc replaced auto
    interval: h.advert_interval ?? 1,
    ...(h.auth_vault_var ? { authVar: h.auth_vault_var } : {}),
  };
  return { manager: "keepalived", preempt, vrrp, sync };
}

function leg(net: Network, role: "management" | "public", l: VrouterLegDoc): VrouterLeg {
  const link = l.link ?? LINK_DEFAULTS[role];
  const vip = canon(l.vip);
  return {
    role,
    network: net.name,
    cidr: net.cidr,
    prefix: net.prefix,
    vip,
    vipAddr: `${vip}/${net.prefix}`,
    link,
    peer: l.peer ?? defaultPeer(link),
    ...(net.vlan !== undefined ? { vlan: net.vlan } : {}),
  };
}

/** Lookups over the resolved site, so resolving routers stays linear in its size. */
interface Index {
  network: Map<string, Network>;
  bridges: Map<string, readonly Bridge[]>;
}

function bridgeOf(ix: Index, host: string, network: string): Bridge {
  const att = ix.network.get(network)!.attach.find((a) => a.host === host)!;
  return ix.bridges.get(host)!.find((b) => b.name === att.bridge)!;
}

/** An upstream written as a host name rather than an address. */
const isName = (upstream: string) => !parseAddress(upstream);

function resolveOne(ix: Index, v: VrouterDoc): Vrouter {
  const mgmtNet = ix.network.get(v.management.network)!;
  const pubNet = ix.network.get(v.public.network)!;
  const management = leg(mgmtNet, "management", v.management);
  const pub = leg(pubNet, "public", v.public);
  const primary = v.primary ?? v.members[0]!.host;
  const members = v.members.map((m): VrouterMember => ({
    host: m.host,
    primary: m.host === primary,
    holdsVips: m.host === primary && !v.ha,
    priority: m.priority ?? defaultPriority(v, m.host),
    ...(m.address ? { address: canon(m.address) } : {}),
    bridges: { management: bridgeOf(ix, m.host, mgmtNet.name), public: bridgeOf(ix, m.host, pubNet.name) },
  }));
  const memberNames = new Set(members.map((m) => m.host));
  const onPublic = new Set(pubNet.attach.map((a) => a.host));
  const nodes = mgmtNet.attach
    .filter((a) => a.address && !memberNames.has(a.host) && !onPublic.has(a.host))
    .map((a): VrouterNode => ({ host: a.host, address: a.address!, prefix: management.prefix, bridge: bridgeOf(ix, a.host, mgmtNet.name) }))
    .sort((a, b) => (a.host < b.host ? -1 : 1));
  const ha = resolveHa(v);
  return {
    name: v.name,
    namespace: v.namespace ?? DEFAULT_NAMESPACE,
    primary,
    members,
    management,
    public: pub,
    gateway: canon(v.gateway ?? pubNet.gateway!.address),
    ...(v.fallback_gateway ? { fallbackGateway: canon(v.fallback_gateway) } : {}),
    nat: { masquerade: v.nat?.masquerade ?? true, backend: v.nat?.backend ?? "nftables" },
    ...(v.dns ? { dns: { upstreams: v.dns.upstreams.map(canon), ...(v.dns.domain ? { domain: v.dns.domain } : {}) } } : {}),
    ...(v.ntp ? { ntp: { upstreams: v.ntp.upstreams.map(canon), daemon: v.ntp.daemon ?? "chrony", names: v.ntp.upstreams.some(isName) } } : {}),
    nodes,
    ...(ha ? { ha } : {}),
  };
}

export function resolveVrouters(docs: VrouterDoc[], networks: Network[], hosts: Host[]): Vrouter[] {
  const ix: Index = { network: new Map(networks.map((n) => [n.name, n])), bridges: new Map(hosts.map((h) => [h.name, h.bridges])) };
  return docs.map((v) => resolveOne(ix, v)).sort((a, b) => (a.name < b.name ? -1 : 1));
}
