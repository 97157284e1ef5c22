// A transition's order across the members of each router whose VIPs fail over, and how many VIP
// moves it costs. Members that join go first (they come up as backups); members that leave go next
// (a leaving backup costs nothing; a leaving holder hands the VIPs once, to a member that stays and
// whose own change is still to come, so none of the remaining changes can hand them to a member about
// to leave); then the staying members one at a time, backups before the holder, which is asked at run
// time (hosts/<host>/holder.sh), never assumed from the inventory. Pure.
import type { Site } from "../resolve/site.js";
import { withHa, type HaRouter } from "../resolve/vrouter.js";
import type { StepChange } from "./diff.js";

export interface VipMoves {
  min: number;
  max: number;
  why: string;
}
export interface RouterOrder {
  router: string;
  namespace: string;
  manager: "keepalived" | "pacemaker";
  joins: string[];
  leaves: string[];
  /** Staying members with changes, the preferred member (the predicted holder) last: holder.sh decides at run time. */
  stays: string[];
  moves: VipMoves;
  /** Where to ask whether a member holds the VIPs: the leg and the address as the leg carries it. */
  vips: Array<{ link: string; vip: string }>;
}

type Changes = Map<string, StepChange[]>;
const ofRouter = (v: HaRouter, cs: StepChange[] = []) => cs.filter((c) => c.id.startsWith(`vrouter-${v.name}-`));
/** A change that takes the member's VIPs away while it runs: anything of the router's undone and applied again (not in place, not new). */
const disturbs = (v: HaRouter, cs: StepChange[] = []) => ofRouter(v, cs).some((c) => c.kind !== "added" && !c.touch);

/**
 * The moves, over every member that may hold the VIPs when the transition starts: a leaving holder hands
 * them once (and again if the member that takes them is disturbed afterwards); a staying holder that is
 * disturbed hands them once (twice with preempt: it takes them back).
 */
function moves(from: HaRouter, to: HaRouter, changes: Changes, leaves: string[], stays: string[]): VipMoves {
  const top = [...from.members].sort((a, b) => b.priority - a.priority)[0]!.host;
  const candidates = from.ha.preempt ? [top] : from.members.map((m) => m.host);
  const stirred = stays.filter((h) => disturbs(to, changes.get(h)));
  const cost = (h: string) => (leaves.includes(h) ? 1 + (stirred.length ? 1 : 0) : stirred.includes(h) ? (from.ha.preempt ? 2 : 1) : 0);
  const costs = candidates.map(cost);
  // a joining member with a higher priority than every other takes the VIPs with preempt
  const best = Math.max(...to.members.map((m) => m.priority));
  const joinsHigher = to.ha.preempt && to.members.some((m) => m.priority === best && !from.members.some((x) => x.host === m.host)) ? 1 : 0;
  const [min, max] = [Math.min(...costs) + joinsHigher, Math.max(...costs) + joinsHigher];
  const holds = (xs: string[]) => (xs.length > 1 ? "one of them holds" : "it holds");
  const back = from.ha.preempt ? " (2 with preempt: it takes them back)" : "";
  const why = [
    ...(leaves.length ? [`${leaves.join(", ")} leave${leaves.length > 1 ? "" : "s"}: 1 if ${holds(leaves)} the VIPs then`] : []),
    ...(stirred.length ? [`${stirred.join(", ")} ${stirred.length > 1 ? "are" : "is"} undone and applied again: 1 if ${holds(stirred)} the VIPs${back}`] : []),
    ...(joinsHigher ? ["a joining member has the highest priority and preempt is on: it takes the VIPs"] : []),
  ];
  const joining = to.members.length > from.members.length ? "joining members come up as backups, " : "";
  const none = `none of the changes takes the VIPs away: ${joining}the rest is in place`;
  return { min, max, why: why.join("; ") || none };
}

export function routerOrders(from: Site, to: Site, changes: Changes): RouterOrder[] {
  const out: RouterOrder[] = [];
  for (const v of to.vrouters.filter(withHa)) {
    const old = from.vrouters.find((x) => x.name === v.name);
    if (!old || !withHa(old) || old.ha.manager !== v.ha.manager) continue;
    const was = new Set(old.members.map((m) => m.host));
    const is = new Set(v.members.map((m) => m.host));
    const joins = v.members.map((m) => m.host).filter((h) => !was.has(h));
    const leaves = old.members.map((m) => m.host).filter((h) => !is.has(h));
    const staying = v.members.map((m) => m.host).filter((h) => was.has(h) && ofRouter(v, changes.get(h)).length);
    const stays = [...staying.filter((h) => h !== old.primary), ...staying.filter((h) => h === old.primary)];
    if (!joins.length && !leaves.length && !stays.length) continue;
    out.push({
      router: v.name,
      namespace: v.namespace,
      manager: v.ha.manager,
      joins,
      leaves,
      stays,
      moves: moves(old, v, changes, leaves, stays),
      vips: [v.management, v.public].map((l) => ({ link: l.link, vip: l.vipAddr })),
    });
  }
  return out;
}

/** The hosts of every router's members in the order above; each host once, at its first place. */
export const membersInOrder = (orders: RouterOrder[]): string[] => [...new Set(orders.flatMap((o) => [...o.joins, ...o.leaves, ...o.stays]))];

export const movesText = (m: VipMoves): string => (m.min === m.max ? `${m.max}` : `${m.min} to ${m.max}`);
