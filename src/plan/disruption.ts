// How much a step disturbs what already runs, read from its typed actions: what a reviewer needs to
// choose a confirm window (apply.sh --confirm-within) and to judge a transition before it runs.
import { plainWords, type Action, type Cmd } from "./actions.js";
import type { Step } from "./types.js";
import type { Site } from "../resolve/site.js";

/** Ordered from harmless to dangerous: a step is as disruptive as its worst action. */
export const DISRUPTIONS = ["none", "additive", "service", "link", "vip", "default-route", "session"] as const;
export type Disruption = (typeof DISRUPTIONS)[number];

export const DISRUPTION_TEXT: Record<Disruption, string> = {
  none: "none (files only, nothing live changes)",
  additive: "additive (adds what nothing uses yet)",
  service: "restarts a service",
  link: "brief interruption on a link",
  vip: "moves a VIP",
  "default-route": "changes a default route",
  session: "can cut the management path",
};

/** Classes that can cut the operator's own session: apply these under --confirm-within. */
export const cutsSession = (d: Disruption): boolean => d === "session";

export interface Rated { cls: Disruption; why: string }
/** The more disruptive of two. */
export const worse = (a: Rated, b: Rated): Rated => (DISRUPTIONS.indexOf(b.cls) > DISRUPTIONS.indexOf(a.cls) ? b : a);
const NONE: Rated = { cls: "none", why: "nothing live changes" };

/** What the classifier needs from the site: VIP addresses and each host's management links. */
export interface DisruptionContext { vips: Set<string>; mgmtLinks: Map<string, Set<string>> }

export function disruptionContext(site: Site): DisruptionContext {
  const vips = new Set(site.vrouters.flatMap((v) => [v.management.vip, v.public.vip]));
  // one pass over the attachments (not one per host): linear on a 2,000-host site
  const management = new Map(site.hosts.map((h) => [h.name, h.management]));
  const mgmtLinks = new Map<string, Set<string>>(site.hosts.map((h) => [h.name, new Set<string>()]));
  for (const n of site.networks) {
    for (const a of n.attach) if (a.address === management.get(a.host)) mgmtLinks.get(a.host)?.add(a.bridge);
  }
  return { vips, mgmtLinks };
}

/** An `ip` command's object and arguments, and the namespace it acts in (none: the host itself). */
function ipCommand(w: string[]): { ns?: string; rest: string[] } | undefined {
  if (w[0] === "ip" && w[1] === "netns" && w[2] === "exec") return { ns: w[3], rest: w.slice(4) };
  if (w[0] !== "ip") return undefined;
  const ns = w[1] === "-n" ? w[2] : undefined;
  return { ns, rest: w.slice(ns ? 3 : 1).filter((x) => x !== "-6" && x !== "-4") };
}

const after = (rest: string[], key: string) => rest[rest.indexOf(key) + 1];

function ipDisruption(c: { ns?: string; rest: string[] }, host: string, ctx: DisruptionContext): Rated {
  const [obj = "", verb = ""] = c.rest;
  const removes = verb === "del" || verb === "flush";
  if (obj === "route" && c.rest.includes("default")) {
    return c.ns ? { cls: "default-route", why: `default route in ${c.ns}` } : { cls: "session", why: "the host's own default route" };
  }
  if (obj === "addr") {
    const addr = (c.rest[2] ?? "").split("/")[0]!;
    if (ctx.vips.has(addr)) return { cls: "vip", why: `VIP ${addr}` };
    const dev = after(c.rest, "dev") ?? "";
    if (!c.ns && ctx.mgmtLinks.get(host)?.has(dev)) return { cls: "session", why: `address on the management link ${dev}` };
  }
  if (obj === "link" && !c.ns && ctx.mgmtLinks.get(host)?.has(after(c.rest, "master") ?? "")) {
    return { cls: "link", why: `a port joins the management bridge ${after(c.rest, "master")} (an unpinned bridge MAC may change)` };
  }
  if (removes || c.rest.includes("down")) return { cls: "link", why: `${obj} ${verb}` };
  if (obj === "link" && c.rest.includes("master")) return { cls: "link", why: `port added to ${after(c.rest, "master")}` };
  return { cls: "additive", why: `${obj} ${verb}`.trim() };
}

function cmdDisruption(a: Cmd, host: string, ctx: DisruptionContext): Rated {
  if (a.disrupts) return a.disrupts;
  const w = plainWords(a.argv);
  const ip = ipCommand(w);
  const inner = ip?.ns && w[1] === "netns" ? ip.rest : undefined;
  if (inner && (inner[0] === "nft" || inner[0] === "iptables")) {
    const text = inner.join(" ");
    // an nft script that defines the table replaces it in one transaction: no moment without a filter
    if (inner[0] === "nft" && text.includes("{")) return { cls: "additive", why: `filter set in one nft transaction in ${ip!.ns}` };
    const removes = /(^|\s)(delete|flush|-D|-F|-X)(\s|$)/.test(text);
    return removes ? { cls: "link", why: `filter removed in ${ip!.ns}` } : { cls: "additive", why: `filter in ${ip!.ns}` };
  }
  if (inner) return { cls: "additive", why: `${inner[0]} in ${ip!.ns}` };
  if (ip) {
    if (ip.rest[0] === "netns") return ip.rest[1] === "del" ? { cls: "link", why: "namespace deleted" } : { cls: "additive", why: "namespace added" };
    return ipDisruption(ip, host, ctx);
  }
  if (w[0] === "ovs-vsctl") return { cls: "link", why: "Open vSwitch port" };
  if (w[0] === "bash") return { cls: "service", why: `runs ${w[1]}` };
  // unknown programs are assumed to interrupt something: a reviewer reads them
  return { cls: "link", why: `runs ${w[0]}` };
}

export function actionDisruption(a: Action, host: string, ctx: DisruptionContext): Rated {
  switch (a.kind) {
    case "install": case "remove": case "secret": return NONE;
    case "netplan": return a.verb === "apply" ? { cls: "session", why: "netplan apply re-applies every netplan interface" } : NONE;
    case "unit": {
      if (a.verb === "daemon-reload") return NONE;
      const live = a.verb === "restart" || a.verb === "reload" || a.now;
      return live ? { cls: "service", why: `${a.verb} ${a.unit}` } : NONE;
    }
    case "cmd": return cmdDisruption(a, host, ctx);
  }
}

const rate = (as: Action[], host: string, ctx: DisruptionContext): Rated => as.reduce((r, a) => worse(r, actionDisruption(a, host, ctx)), NONE);

/** A step's class when it is applied and when it is undone (a removal in a transition runs the inverse). */
export function stepDisruption(s: Step, ctx: DisruptionContext): { apply: Rated; inverse: Rated } {
  return { apply: rate(s.apply, s.host, ctx), inverse: rate(s.inverse, s.host, ctx) };
}

/** Seconds to arm for: time to reconnect and verify, plus the steps themselves; netplan try's 120 s at least. */
export const recommendedWindow = (steps: number): number => Math.max(120, Math.ceil((60 + 5 * steps) / 30) * 30);
