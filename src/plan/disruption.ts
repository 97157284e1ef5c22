// How much a step disturbs what already runs, computed from its typed actions and the site: what a
// reviewer needs to choose a confirm window (host.sh apply --confirm-within) and to judge a transition
// before it runs. Every kind is rated here by what it does to a live host; nothing reads a command.
import type { Action, Unit, UnitServes } from "./actions.js";
import type { NetAction, SettingAction } from "./net-actions.js";
import type { Step } from "./types.js";
import type { Site } from "../resolve/site.js";

/** Ordered from harmless to dangerous: a step is as disruptive as its worst action. */
export const DISRUPTIONS = ["none", "additive", "reload", "service", "link", "gateway", "vip", "default-route", "session"] as const;
export type Disruption = (typeof DISRUPTIONS)[number];

export const DISRUPTION_TEXT: Record<Disruption, string> = {
  none: "none (files only, nothing live changes)",
  additive: "additive (adds what nothing uses yet)",
  reload: "reloads a service",
  service: "restarts a service",
  link: "brief interruption on a link",
  gateway: "removes a gateway or an address others route through",
  vip: "moves a VIP",
  "default-route": "changes a default route",
  session: "can cut the management path",
};

/** Classes that can cut the operator's own session: apply these under --confirm-within. */
export const cutsSession = (d: Disruption): boolean => d === "session";

export interface Rated {
  readonly cls: Disruption;
  readonly why: string;
}
/** The more disruptive of two. */
export const worse = (a: Rated, b: Rated): Rated => (DISRUPTIONS.indexOf(b.cls) > DISRUPTIONS.indexOf(a.cls) ? b : a);
export const NONE: Rated = { cls: "none", why: "nothing live changes" };

/** A router namespace on a host: whether it may hold the VIPs there, and how they move. */
interface RouterNs {
  router: string;
  vips: string[];
  ha: boolean;
  holds: boolean;
  legs: Set<string>;
}

/** What the classifier needs from the site, per host: VIPs, management links, gateway links, router namespaces. */
export interface DisruptionContext {
  vips: Set<string>;
  mgmtLinks: Map<string, Set<string>>;
  /** host -> link -> the gateway addresses it holds for others. */
  gateways: Map<string, Map<string, string[]>>;
  /** host -> namespace -> its router. */
  routers: Map<string, Map<string, RouterNs>>;
}

const entry = <K, V>(m: Map<K, V>, k: K, make: () => V): V => {
  const v = m.get(k) ?? make();
  m.set(k, v);
  return v;
};

export function disruptionContext(site: Site): DisruptionContext {
  const vips = new Set(site.vrouters.flatMap((v) => [v.management.vip, v.public.vip]));
  // one pass over the attachments (not one per host): linear on a 2,000-host site
  const management = new Map(site.hosts.map((h) => [h.name, h.management]));
  const mgmtLinks = new Map<string, Set<string>>(site.hosts.map((h) => [h.name, new Set<string>()]));
  for (const n of site.networks) {
    for (const a of n.attach) if (a.address === management.get(a.host)) mgmtLinks.get(a.host)?.add(a.bridge);
  }
  const gateways = new Map(site.hosts.map((h) => [h.name, new Map(h.gateways.map((g) => [g.ifname, [g.address, ...(g.dual ? [g.dual.address] : [])]]))]));
  const routers = new Map<string, Map<string, RouterNs>>();
  for (const v of site.vrouters) {
    for (const m of v.members) {
      const legs = new Set([v.management, v.public].flatMap((l) => [l.link, l.peer]));
      entry(routers, m.host, () => new Map()).set(v.namespace, {
        router: v.name,
        vips: [v.management.vip, v.public.vip],
        ha: v.ha !== undefined,
        holds: v.ha !== undefined || m.holdsVips,
        legs,
      });
    }
  }
  return { vips, mgmtLinks, gateways, routers };
}

const additive = (why: string): Rated => ({ cls: "additive", why });

/** What goes when a router's namespace, or one of its legs, goes on this host. */
function routerLoss(r: RouterNs | undefined, what: string): Rated | undefined {
  if (!r?.holds) return undefined;
  return r.ha
    ? { cls: "vip", why: `${what} on a member that may hold ${r.router}'s VIPs ${r.vips.join(", ")}` }
    : { cls: "gateway", why: `${what}: ${r.router}'s VIPs ${r.vips.join(", ")}, the nodes' gateway, go with it` };
}

function linkOfRouter(ctx: DisruptionContext, host: string, link: string): RouterNs | undefined {
  return [...(ctx.routers.get(host)?.values() ?? [])].find((r) => r.legs.has(link));
}

function removal(ctx: DisruptionContext, host: string, link: string, what: string): Rated {
  const held = ctx.gateways.get(host)?.get(link);
  if (held) return { cls: "gateway", why: `${what}: the gateway ${held.join(", ")} is gone until it is made again` };
  return routerLoss(linkOfRouter(ctx, host, link), what) ?? { cls: "link", why: what };
}

function netDisruption(a: NetAction, host: string, ctx: DisruptionContext): Rated {
  switch (a.kind) {
    case "netns-add":
      return additive(`namespace ${a.ns} added`);
    case "netns-del":
      return routerLoss(ctx.routers.get(host)?.get(a.ns), `namespace ${a.ns} deleted`) ?? { cls: "link", why: `namespace ${a.ns} deleted` };
    case "vlan-add":
      return additive(`VLAN ${a.vid} link ${a.link} on ${a.parent}`);
    case "veth-add":
      return additive(`veth ${a.peer} with ${a.link} in ${a.ns}`);
    case "ovs-port-add":
      return additive(`Open vSwitch internal port ${a.link} on ${a.bridge}`);
    case "link-netns":
      return additive(`${a.link} moved into ${a.ns}`);
    case "link-up":
      return additive(`${a.link} up${a.ns ? ` in ${a.ns}` : ""}`);
    case "ovs-port-del":
      return removal(ctx, host, a.link, `Open vSwitch port ${a.link} removed from ${a.bridge}`);
    case "link-del":
      return removal(ctx, host, a.link, `link ${a.link} deleted`);
    case "link-master":
      if (ctx.mgmtLinks.get(host)?.has(a.bridge)) {
        return { cls: "link", why: `a port joins the management bridge ${a.bridge} (an unpinned bridge MAC may change)` };
      }
      return { cls: "link", why: `port ${a.link} added to ${a.bridge}` };
    default:
      return settingDisruption(a, host, ctx);
  }
}

/** An address, route, sysctl or filter: rated by what it may take away (a VIP, the session's address, the default route). */
function settingDisruption(a: SettingAction, host: string, ctx: DisruptionContext): Rated {
  switch (a.kind) {
    case "addr-replace": {
      const addr = a.cidr.split("/")[0]!;
      if (ctx.vips.has(addr)) return { cls: "vip", why: `VIP ${addr}` };
      if (!a.ns && ctx.mgmtLinks.get(host)?.has(a.link)) return { cls: "session", why: `address on the management link ${a.link}` };
      return additive(`address ${a.cidr} on ${a.link}`);
    }
    case "route-replace":
    case "route-del":
      return { cls: "default-route", why: `default route in ${a.ns} via ${a.via}` };
    case "sysctl":
      return additive(`${a.key}=${a.value} in ${a.ns}`);
    // a table defined whole replaces the old one in one transaction: no moment without a filter
    case "nft-table":
      return additive(`filter set in one nft transaction in ${a.ns}`);
    case "iptables-add":
      return additive(`filter rule in ${a.ns}`);
    case "nft-table-del":
    case "iptables-del":
      return { cls: "link", why: `filter removed in ${a.ns}` };
  }
}

/** A start, stop or restart of a unit, by what it keeps alive. */
function servesLoss(s: UnitServes | undefined, verb: string, unit: string, stops: boolean): Rated {
  if (s?.kind === "vrrp") {
    return { cls: "vip", why: `${verb} ${unit}: ${s.router}'s VIPs ${s.vips.join(", ")} may move (this member leaves or re-enters the election)` };
  }
  if (s?.kind === "gateway") {
    return stops
      ? { cls: "gateway", why: `${verb} ${unit}: its stop deletes ${s.link}, the gateway ${s.addresses.join(", ")}` }
      : { cls: "link", why: `${verb} ${unit}: its start re-creates ${s.link} (the gateway ${s.addresses.join(", ")} is briefly absent)` };
  }
  if (s?.kind === "replay") return stops ? { cls: "none", why: `${verb} ${unit}: it has no stop` } : additive(`${verb} ${unit}: ${s.what}, which hold already`);
  return { cls: "service", why: `${verb} ${unit}${s ? ` (${s.what})` : ""}` };
}

function unitDisruption(a: Unit): Rated {
  if (a.verb === "daemon-reload") return NONE;
  // a changed VRRP configuration (a priority, a peer) taken live on a member that may hold the VIPs can move them
  if (a.verb === "reload" && a.serves?.kind === "vrrp") return { cls: "vip", why: `reload ${a.unit}: ${a.serves.router}'s VRRP settings change live` };
  if (a.verb === "reload") return { cls: "reload", why: `reload ${a.unit}` };
  if (a.verb === "restart" || a.verb === "try-restart") return servesLoss(a.serves, a.verb, a.unit, false);
  if (!a.now) return NONE;
  return servesLoss(a.serves, `${a.verb} --now`, a.unit, a.verb === "disable");
}

export function actionDisruption(a: Action, host: string, ctx: DisruptionContext): Rated {
  switch (a.kind) {
    case "install":
    case "remove":
    case "secret":
      return NONE;
    case "netplan":
      return a.verb === "apply" ? { cls: "session", why: "netplan apply re-applies every netplan interface" } : NONE;
    case "unit":
      return unitDisruption(a);
    case "program":
      return a.effect;
    case "cluster": {
      const what = a.op === "create" ? "places" : "stops";
      return { cls: "vip", why: `pacemaker.sh ${a.op}: the cluster ${what} ${a.router}'s VIPs ${a.vips.join(", ")}` };
    }
    default:
      return netDisruption(a, host, ctx);
  }
}

const rate = (as: readonly Action[], host: string, ctx: DisruptionContext): Rated => as.reduce((r, a) => worse(r, actionDisruption(a, host, ctx)), NONE);

/** A step's class when it is applied and when it is undone (a removal in a transition runs the inverse). */
export function stepDisruption(s: Step, ctx: DisruptionContext): { apply: Rated; inverse: Rated } {
  return { apply: rate(s.apply, s.host, ctx), inverse: rate(s.inverse, s.host, ctx) };
}

/** The worst of several steps' ratings (stepDisruption's), each way: a host's worst step. */
export const worstOf = (rated: ReadonlyArray<{ apply: Rated; inverse: Rated }>): { apply: Rated; inverse: Rated } =>
  rated.reduce((a, b) => ({ apply: worse(a.apply, b.apply), inverse: worse(a.inverse, b.inverse) }), { apply: NONE, inverse: NONE });

/** Seconds to arm for: time to reconnect and verify, plus the steps themselves; netplan try's 120 s at least. */
export const recommendedWindow = (steps: number): number => Math.max(120, Math.ceil((60 + 5 * steps) / 30) * 30);
