import { defaultPriority } from "../../model/defaults.js";
import type { Rule } from "../context.js";
import { eachVrouter } from "../vrouter-lookup.js";

/**
 * Member priorities decide who holds the VIPs: they are written only with 'ha', they differ (VRRP
 * breaks a tie by address, Pacemaker by chance), and an explicit primary has the highest one.
 */
export const vrouterPriorities: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    const path = (j: number) => ["vrouters", i, "members", j, "priority"];
    if (!v.ha) {
      v.members.forEach((m, j) => {
        if (m.priority !== undefined) {
          ctx.report(path(j), "vrouter-priority-without-ha", `member ${m.host} has a priority, but vrouter ${v.name} has no 'ha'`,
            "remove 'priority', or add 'ha:' (keepalived or pacemaker) to fail the VIPs over", true);
        }
      });
      return;
    }
    const seen = new Map<number, string>();
    v.members.forEach((m, j) => {
      const p = m.priority ?? defaultPriority(v, m.host);
      const twin = seen.get(p);
      if (twin !== undefined && twin !== m.host) {
        const where = m.priority !== undefined ? path(j) : ["vrouters", i, "members", j];
        ctx.report(where, "vrouter-priority-tie", `members ${twin} and ${m.host} both have priority ${p}`,
          "give each member its own priority: VRRP would break the tie by address, Pacemaker by chance");
      } else seen.set(p, m.host);
    });
    if (v.primary === undefined) return;
    const prioOf = (m: { host: string; priority?: number }) => m.priority ?? defaultPriority(v, m.host);
    const prio = (h: string) => { const m = v.members.find((x) => x.host === h); return m ? prioOf(m) : undefined; };
    const mine = prio(v.primary);
    const top = v.members.find((m) => m.host !== v.primary && mine !== undefined && prioOf(m) > mine);
    if (mine !== undefined && top) {
      ctx.report(["vrouters", i, "primary"], "vrouter-priority-primary", `primary ${v.primary} has priority ${mine}, but ${top.host} has ${prioOf(top)}`,
        `with 'ha' the primary is the member that takes the VIPs first: make ${top.host} the primary, or give ${v.primary} the highest priority`);
    }
  });
};
