// REVIEW.md's cross-host order: which hosts wait for which. Only virtual routers tie hosts together
// (a node's default route is its router's VIP; a member without the VIPs leaves through the one with them).
import type { Site } from "../resolve/site.js";

/** At most this many host names in a line of the order; more are counted, with the first and the last named. */
const NAMED_MAX = 12;

export interface Stage {
  kind: "any" | "members" | "nodes";
  router: string;
  manager: "keepalived" | "pacemaker" | "static" | "";
  /** members: the member the order is about (the primary); the others in `rest`. */
  first: string;
  rest: string;
  hostsText: string;
  count: number;
}

export const namesText = (names: string[]): string =>
  names.length <= NAMED_MAX ? names.join(", ") : `${names.length} hosts (${names[0]} … ${names[names.length - 1]})`;

function stage(kind: Stage["kind"], hosts: string[], extra: Partial<Stage> = {}): Stage {
  return { kind, router: "", manager: "", first: "", rest: "", hostsText: namesText(hosts), count: hosts.length, ...extra };
}

/** Each router's members (in the order their failover needs), then the nodes it serves. */
function routerStages(site: Site, placed: Set<string>): Array<{ stage: Stage; hosts: string[] }> {
  const out: Array<{ stage: Stage; hosts: string[] }> = [];
  for (const v of site.vrouters) {
    const manager = v.ha?.manager ?? "static";
    const others = v.members.filter((m) => !m.primary && !placed.has(m.host)).map((m) => m.host);
    const primary = placed.has(v.primary) ? [] : [v.primary];
    // Pacemaker: the primary's services phase creates the cluster resources, which need every member's namespace
    const members = manager === "pacemaker" ? [...others, ...primary] : [...primary, ...others];
    members.forEach((h) => placed.add(h));
    if (members.length) {
      out.push({ hosts: members, stage: stage("members", members, { router: v.name, manager, first: primary[0] ?? "", rest: others.join(", ") }) });
    }
    const nodes = v.nodes.map((n) => n.host).filter((h) => !placed.has(h));
    nodes.forEach((h) => placed.add(h));
    if (nodes.length) out.push({ hosts: nodes, stage: stage("nodes", nodes, { router: v.name }) });
  }
  return out;
}

/** The stages in the order to run them, and every host in that order. */
export function crossHostOrder(site: Site): { stages: Stage[]; hosts: string[] } {
  const tied = new Set(site.vrouters.flatMap((v) => [...v.members.map((m) => m.host), ...v.nodes.map((n) => n.host)]));
  const free = site.hosts.map((h) => h.name).filter((h) => !tied.has(h));
  const routed = routerStages(site, new Set());
  const all = [...(free.length ? [{ hosts: free, stage: stage("any", free) }] : []), ...routed];
  return { stages: all.map((s) => s.stage), hosts: all.flatMap((s) => s.hosts) };
}
