// What REVIEW.md tells a member's operator about its router: the notes and the tests after apply
// (their text: templates/netns/review-notes.hbs and review-tests.hbs).
import type { HostText } from "../../plan/types.js";
import type { Vrouter, VrouterMember } from "../../resolve/vrouter.js";
import { reviewLines } from "../target.js";

/** Metric of the seed's low-priority default route, through the member that holds the VIPs. */
export const LOW_PRIORITY_METRIC = "10000";

/** Who makes this member the active one, with ha; "" without. */
function manager(v: Vrouter, m: VrouterMember): string {
  if (!v.ha) return "";
  return v.ha.manager === "keepalived" ? `keepalived (priority ${m.priority})` : `Pacemaker (location score ${m.priority})`;
}

export function memberNotes(v: Vrouter, m: VrouterMember): HostText[] {
  const ovs = [v.management, v.public]
    .filter((l) => m.bridges[l.role].type === "ovs")
    .map((l) => ({ bridge: m.bridges[l.role].name, role: l.role, link: l.link, tag: l.vlan === undefined ? "" : String(l.vlan) }));
  return reviewLines(m.host, "netns/review-notes", {
    host: m.host,
    name: v.name,
    ha: manager(v, m),
    primary: m.primary,
    address: m.address ?? "",
    primaryHost: v.primary,
    mgmtVip: v.management.vip,
    pubVip: v.public.vip,
    metric: LOW_PRIORITY_METRIC,
    ovs,
  });
}

export function memberTests(v: Vrouter, m: VrouterMember): HostText[] {
  return reviewLines(m.host, "netns/review-tests", {
    ha: v.ha !== undefined,
    primary: m.primary,
    namespace: v.namespace,
    gateway: v.gateway,
    probe: v.dns?.upstreams[0] ?? v.gateway,
    mgmtVip: v.management.vip,
    mgmtLink: v.management.link,
    pubVip: v.public.vip,
    pubLink: v.public.link,
  });
}
