// The topology picture in REVIEW.md: a typed view-model of a Mermaid flowchart (rendered by
// templates/review/topology.hbs). Up to DETAIL_MAX_HOSTS hosts every host is drawn; above that,
// hosts of the same shape are drawn once (with their count) and networks that only such a group
// reaches collapse into one node per kind, so the picture stays readable at 2,000 hosts.
import type { Host, Network, Site } from "../resolve/site.js";
import type { Vrouter } from "../resolve/vrouter.js";
import { Graph, label, type MEdge, type MGroup, type MNode } from "./topology-graph.js";

export const DETAIL_MAX_HOSTS = 12;

/** What the legend mentions: only what this picture has. */
export interface Legend {
  subifs: boolean;
  namespaces: boolean;
  routers: boolean;
  routes: boolean;
}

export interface Topology {
  summarized: boolean;
  hosts: number;
  groups: number;
  legend: Legend;
  outside: MNode[];
  top: MGroup[];
  edges: MEdge[];
}

interface Role {
  router: Vrouter;
  member: boolean;
  primary: boolean;
}
interface HostGroup {
  key: string;
  hosts: string[];
}
type Attached = Array<{ n: Network; bridge: string; address?: string }>;

/** What every drawing step needs: the graph, the site's lookups, and whether hosts are merged. */
interface Ctx {
  g: Graph;
  site: Site;
  summarize: boolean;
  attached: Map<string, Attached>;
  groups: Map<string, HostGroup>;
  net: (name: string) => string;
}

function roles(site: Site): Map<string, Role[]> {
  const out = new Map<string, Role[]>();
  const add = (h: string, r: Role) => out.set(h, [...(out.get(h) ?? []), r]);
  for (const v of site.vrouters) {
    for (const m of v.members) add(m.host, { router: v, member: true, primary: m.primary });
    for (const n of v.nodes) add(n.host, { router: v, member: false, primary: false });
  }
  return out;
}

/** What a host looks like without its names and addresses: hosts alike are drawn once when summarized. */
function shape(h: Host, at: Attached, rs: Role[]): string {
  return JSON.stringify([
    h.bridges.map((b) => `${b.name}:${b.owner}`),
    h.gateways.map((g) => `${g.ifname}:${g.persistence}`),
    h.checked.map((c) => `${c.on}:${c.bridge ?? c.router}`),
    at.map((a) => `${a.bridge}:${a.n.vlan ?? ""}:${a.address ? 1 : 0}`).sort(),
    rs.map((r) => `${r.router.name}:${r.member}:${r.primary && !r.router.ha}`),
  ]);
}

function hostGroups(site: Site, attached: Map<string, Attached>, rolesOf: Map<string, Role[]>, summarize: boolean): Map<string, HostGroup> {
  const byKey = new Map<string, HostGroup>();
  const of = new Map<string, HostGroup>();
  for (const h of site.hosts) {
    const key = summarize ? shape(h, attached.get(h.name) ?? [], rolesOf.get(h.name) ?? []) : h.name;
    // a shape's key is long (its JSON): each group gets a short one, as every node key inside it repeats it
    const g = byKey.get(key) ?? { key: summarize ? `host shape ${byKey.size + 1}` : `host ${key}`, hosts: [] };
    byKey.set(key, g);
    g.hosts.push(h.name);
    of.set(h.name, g);
  }
  return of;
}

const hostsText = (g: HostGroup) => (g.hosts.length === 1 ? g.hosts[0]! : `${g.hosts.length} hosts: ${g.hosts[0]} … ${g.hosts[g.hosts.length - 1]}`);

/** Networks that the same host groups reach by the same bridges, with the same tag and gateway kind, are one node when summarized. */
function networkKey(n: Network, groups: Map<string, HostGroup>, summarize: boolean): string {
  if (!summarize) return `net ${n.name}`;
  const by = [...new Set(n.attach.map((a) => `${groups.get(a.host)!.key}/${a.bridge}`))].sort();
  return `net ${JSON.stringify([by, n.vlan ?? "", n.gateway?.on ?? "", n.gateway?.router ?? ""])}`;
}

function networkNodes(g: Graph, site: Site, groups: Map<string, HostGroup>, summarize: boolean): (name: string) => string {
  const keyOf = new Map(site.networks.map((n) => [n.name, networkKey(n, groups, summarize)]));
  // pushed, not copied: 4,000 networks of one kind were a quadratic copy (~20 ms of the 2,000-host site)
  const alike = new Map<string, Network[]>();
  for (const n of site.networks) {
    const key = keyOf.get(n.name)!;
    const all = alike.get(key);
    if (all) all.push(n);
    else alike.set(key, [n]);
  }
  return (name) => {
    const all = alike.get(keyOf.get(name)!)!;
    const n = all[0]!;
    const tag = n.vlan === undefined ? "untagged" : `VLAN ${n.vlan}`;
    const text = all.length === 1 ? label(n.name, `${n.cidr}, ${tag}`) : label(`${all.length} networks: ${n.name} … ${all[all.length - 1]!.name}`, tag);
    return g.node(keyOf.get(name)!, text, "stadium");
  };
}

export function topology(site: Site): Topology {
  const summarize = site.hosts.length > DETAIL_MAX_HOSTS;
  const rolesOf = roles(site);
  const attached = new Map<string, Attached>();
  for (const n of site.networks) for (const a of n.attach) attached.set(a.host, [...(attached.get(a.host) ?? []), { n, ...a }]);
  const groups = hostGroups(site, attached, rolesOf, summarize);
  const g = new Graph();
  const c: Ctx = { g, site, summarize, attached, groups, net: networkNodes(g, site, groups, summarize) };
  for (const h of site.hosts) drawHost(c, h, rolesOf.get(h.name) ?? []);
  for (const n of site.networks) drawRouterGateway(c, n);
  for (const v of site.vrouters) drawNodes(c, v);
  const legend: Legend = {
    subifs: site.hosts.some((h) => h.gateways.length > 0),
    namespaces: site.vrouters.length > 0,
    routers: site.networks.some((n) => n.gateway?.on === "router") || site.vrouters.length > 0,
    routes: site.vrouters.some((v) => v.nodes.length > 0),
  };
  return { summarized: summarize, hosts: site.hosts.length, groups: new Set(groups.values()).size, legend, outside: g.outside, top: g.top, edges: g.edges };
}

function drawHost(c: Ctx, h: Host, rs: Role[]): void {
  const hg = c.groups.get(h.name)!;
  const roleText = rs.map((r) => `${r.member ? "member" : "node"} of ${r.router.name}`).join(", ");
  // One line: Mermaid sizes a subgraph's title for one line and lets a second overlap the contents.
  c.g.group(hg.key, label([c.summarize ? hostsText(hg) : `${h.name} ${h.management}`, roleText].filter(Boolean).join(", ")));
  const br = (name: string) => {
    const b = h.bridges.find((x) => x.name === name);
    const owner = b ? (b.owner === "libvirt" ? `libvirt ${b.libvirtNetwork}` : b.owner) : "";
    return c.g.node(`${hg.key} br ${name}`, label(name, owner && `owner: ${owner}`), "box", hg.key);
  };
  for (const b of h.bridges) br(b.name);
  for (const x of h.gateways) {
    const text = c.summarize ? label(x.ifname, `gateway (${x.persistence})`) : label(x.ifname, `gateway ${x.address}/${x.prefix}`, x.persistence);
    const sub = c.g.node(`${hg.key} sub ${x.ifname}`, text, "round", hg.key);
    c.g.edge(br(x.bridge.name), sub, `VLAN ${x.vid}`);
    c.g.edge(sub, c.net(x.network));
  }
  const viaSub = new Set(h.gateways.map((x) => x.network));
  for (const a of c.attached.get(h.name) ?? []) {
    if (viaSub.has(a.n.name)) continue;
    const owned = h.checked.find((x) => x.network === a.n.name && x.on === "bridge-owner");
    const tag = a.n.vlan === undefined ? "" : `VLAN ${a.n.vlan}`;
    const where = c.summarize ? "" : (a.address ?? "");
    const text = owned ? `gateway ${c.summarize ? "" : `${owned.address} `}held by the owner` : [tag, where].filter(Boolean).join(", ");
    c.g.edge(br(a.bridge), c.net(a.n.name), text);
  }
  for (const r of rs.filter((x) => x.member)) drawNamespace(c, h, hg, r.router, br);
}

function routerNode(c: Ctx, router: string): string {
  return c.g.node(`router ${router}`, label(`router: ${router}`), "circle");
}

function drawRouterGateway(c: Ctx, n: Network): void {
  if (n.gateway?.on !== "router") return;
  c.g.edge(c.net(n.name), routerNode(c, n.gateway.router!), c.summarize ? "gateway" : `gateway ${n.gateway.address}`);
}

function drawNamespace(c: Ctx, h: Host, hg: HostGroup, v: Vrouter, br: (n: string) => string): void {
  const m = v.members.find((x) => x.host === h.name)!;
  const ns = `${hg.key} ns ${v.name}`;
  c.g.group(ns, label(`netns ${v.namespace}: router ${v.name}${v.ha ? `, ${v.ha.manager}` : ""}`), hg.key);
  for (const leg of [v.management, v.public]) {
    const holds = v.ha ? `VIP ${leg.vip} when active` : m.primary ? `VIP ${leg.vip}` : "";
    const own = leg.role === "management" && m.address && !c.summarize ? `${m.address}/${leg.prefix}` : "";
    const route = leg.role === "public" ? `default via ${v.gateway}` : "";
    const node = c.g.node(`${hg.key} leg ${v.name} ${leg.role}`, label(leg.link, own, holds, route), "round", ns);
    const b = m.bridges[leg.role];
    c.g.edge(node, br(b.name), b.type === "ovs" ? "OVS internal port" : `veth ${leg.peer}`);
  }
  // The upstream is drawn where the public network's gateway is not the router's (or is not a router at all).
  const pub = c.site.networks.find((n) => n.name === v.public.network)!;
  if (pub.gateway?.on === "router" && pub.gateway.address === v.gateway) return;
  c.g.edge(c.net(pub.name), c.g.node(`upstream ${v.gateway}`, label("upstream router", v.gateway), "circle"), `gateway ${v.gateway}`);
}

function drawNodes(c: Ctx, v: Vrouter): void {
  const leg = c.g.node(`${c.groups.get(v.primary)!.key} leg ${v.name} management`, "", "round");
  for (const n of v.nodes) {
    const from = c.g.group(c.groups.get(n.host)!.key, "");
    c.g.edge(from, leg, `default route, DNS, NTP via ${c.summarize ? "the VIP" : v.management.vip}`, true);
  }
}
