// What both failover managers' REVIEW.md sections state (templates/keepalived/review-failover.hbs,
// templates/pacemaker/review-failover.hbs): names, priorities, the sync channel, and the facts
// templates/conntrackd/review-why.hbs explains (SNAT instead of MASQUERADE, the sync mode).
import type { HaRouter } from "../../resolve/vrouter.js";
import { conntrackdConf } from "./index.js";

export const seconds = (s: number) => `${s.toFixed(1)} s`;

export function failoverFacts(v: HaRouter) {
  return {
    name: v.name,
    namespace: v.namespace,
    gateway: v.gateway,
    mgmtLink: v.management.link,
    pubLink: v.public.link,
    pubVip: v.public.vip,
    prios: v.members.map((m) => `${m.host} ${m.priority}`).join(", "),
    preempt: v.ha.preempt,
    syncMode: v.ha.sync.mode.toUpperCase(),
    syncGroup: v.ha.sync.group,
    syncPort: v.ha.sync.port,
    conntrackdConf: conntrackdConf(v),
    masquerade: v.nat.masquerade,
    ftfw: v.ha.sync.mode === "ftfw",
    count: v.members.length,
  };
}
