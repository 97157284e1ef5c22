// gen plan --from: the transition between two builds of a site, as a summary and reviewable files. Pure.
import type { Build } from "../compile.js";
import { cutsSession, DISRUPTION_TEXT, disruptionContext, NONE, recommendedWindow, worse } from "../plan/disruption.js";
import { filesPath } from "../plan/files.js";
import type { Artifact } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import { diffHost, type Side, type StepChange } from "./diff.js";
import { membersInOrder, movesText, routerOrders, type RouterOrder } from "./membership.js";
import { hostTransition } from "./render.js";

export interface Transition {
  hosts: Array<{ host: string; changes: StepChange[] }>;
  routers: RouterOrder[];
  files: Artifact[];
  summary: string;
}

const KIND_ORDER = ["removed", "changed", "added", "reset"] as const;

/** A host's worst change: what its transition disturbs at most. */
const worstText = (changes: StepChange[]): string => DISRUPTION_TEXT[changes.reduce((r, c) => worse(r, c.cls), NONE).cls];

/** One line per router whose members change: the order within its members and the VIP moves it costs. */
export function routerLine(o: RouterOrder): string {
  const joins = o.joins.length ? `${o.joins.join(", ")} join${o.joins.length > 1 ? "" : "s"} first; ` : "";
  const leaves = o.leaves.length ? `${o.leaves.join(", ")} leave${o.leaves.length > 1 ? "" : "s"}${joins ? " next" : " first"}; ` : "";
  const stays = o.stays.length
    ? `${joins || leaves ? "then " : ""}${o.stays.join(", ")} one at a time, the one that holds the VIPs last (ask each: bash hosts/HOST/holder.sh); `
    : "";
  return `router ${o.router} (${o.manager}): ${joins}${leaves}${stays}VIP moves: ${movesText(o.moves)} (${o.moves.why})`;
}

function summaryText(label: string, hosts: Transition["hosts"], routers: RouterOrder[]): string {
  if (!hosts.length) return `no step changes from ${label}\n`;
  return (
    hosts
      .map(({ host, changes }) => {
        const count = KIND_ORDER.map((k) => `${changes.filter((c) => c.kind === k).length} ${k}`).join(", ");
        const cls = (c: StepChange) => `${DISRUPTION_TEXT[c.cls.cls]}${c.cls.cls === "none" ? "" : `: ${c.cls.why}`}`;
        const rows = changes.map((c) => `  ${c.kind.padEnd(8)} ${c.phase.padEnd(8)} ${c.id}  [${cls(c)}]`);
        return [`host ${host}: ${count}; at worst: ${worstText(changes)}`, ...rows].join("\n");
      })
      .join("\n") + `\nrun order: ${hosts.map((h) => h.host).join(", ")}\n${routers.map((o) => `${routerLine(o)}\n`).join("")}`
  );
}

/**
 * The members of routers whose VIPs fail over first, in their order (membership.ts); then hosts where a
 * VIP goes away before hosts where one arrives: never two holders of one address.
 */
function runOrder(hosts: Transition["hosts"], routers: RouterOrder[]): Transition["hosts"] {
  const members = membersInOrder(routers).flatMap((m) => hosts.filter((h) => h.host === m));
  const rest = hosts.filter((h) => !members.includes(h));
  const losesVip = (h: Transition["hosts"][number]) => h.changes.some((c) => c.dropsVip);
  return [...members, ...rest.filter(losesVip), ...rest.filter((h) => !losesVip(h))];
}

/** hosts/<member>/holder.sh for every member of a router in the transition: is it the holder now? */
function holderScripts(to: Build, routers: RouterOrder[], hosts: Transition["hosts"]): Artifact[] {
  const changed = new Set(hosts.map((h) => h.host));
  return membersInOrder(routers)
    .filter((h) => changed.has(h))
    .map((host) => {
      const mine = routers.filter((o) => [...o.joins, ...o.leaves, ...o.stays].includes(host));
      const vips = mine.flatMap((o) => o.vips.map((x) => ({ ...x, namespace: o.namespace, router: o.router })));
      const content = render("transition/holder.sh", { header: headerText(to.site), host, routers: mine.map((o) => o.router).join(", "), vips });
      return { path: `hosts/${host}/holder.sh`, content, mode: 0o755 as const };
    });
}

export function transition(from: Build, to: Build, label: string): Transition {
  const side = (b: Build, host: string): Side => {
    const files = new Map(b.files.map((f) => [f.path, f.content]));
    const steps = b.plan.steps.filter((s) => s.host === host);
    const src = new Map(steps.flatMap((s) => s.apply.flatMap((a) => (a.kind === "install" ? [[a.dest, a.src] as const] : []))));
    return { steps, ctx: disruptionContext(b.site), file: (h, d) => files.get(filesPath(h, src.get(d) ?? "")) };
  };
  const names = [...new Set([...from.site.hosts, ...to.site.hosts].map((h) => h.name))].sort();
  const changed = names.map((host) => ({ host, changes: diffHost(side(from, host), side(to, host)) })).filter((h) => h.changes.length);
  const routers = routerOrders(from.site, to.site, new Map(changed.map((h) => [h.host, h.changes])));
  const hosts = runOrder(changed, routers);
  const review = render("transition/REVIEW.md", {
    header: headerText(to.site),
    site: to.site.name,
    label,
    order: hosts.map((h) => h.host).join(", "),
    routers: routers.map((o) => ({
      ...o,
      joinsText: o.joins.join(", "),
      leavesText: o.leaves.join(", "),
      staysText: o.stays.join(", "),
      movesText: movesText(o.moves),
    })),
    hosts: hosts.map(({ host, changes }) => ({
      host,
      window: recommendedWindow(changes.length),
      worst: worstText(changes),
      cutting: changes.filter((c) => cutsSession(c.cls.cls)).map((c) => c.id),
      rows: changes.map((c) => ({ kind: c.kind, id: c.id, phase: c.phase, cls: DISRUPTION_TEXT[c.cls.cls], why: c.cls.why, title: c.title })),
    })),
  });
  const files = [
    { path: "REVIEW.md", content: review, mode: 0o644 as const },
    ...hosts.flatMap((h) => hostTransition(from, to, h.host, h.changes, label)),
    ...holderScripts(to, routers, hosts),
  ];
  return { hosts, routers, files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), summary: summaryText(label, hosts, routers) };
}
