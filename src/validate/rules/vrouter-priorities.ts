import { defaultPriority } from "../../model/defaults.js";
import type { VrouterDoc } from "../../model/types.js";
import type { Rule, RuleContext } from "../context.js";
import { eachVrouter } from "../vrouter-lookup.js";

const priorityPath = (i: number, j: number) => ["vrouters", i, "members", j, "priority"];

/** Without 'ha' nobody fails over: a member's priority would mean nothing. */
function prioritiesWithoutHa(ctx: RuleContext, v: VrouterDoc, i: number): void {
  v.members.forEach((m, j) => {
    if (m.priority !== undefined) {
      ctx.report(
        priorityPath(i, j),
        "vrouter-priority-without-ha",
        `member ${m.host} has a priority, but vrouter ${v.name} has no 'ha'`,
        "remove 'priority', or add 'ha:' (keepalived or pacemaker) to fail the VIPs over",
        true,
      );
    }
  });
}

/** Two members with one priority: VRRP breaks the tie by address, Pacemaker by chance. */
function priorityTies(ctx: RuleContext, v: VrouterDoc, i: number): void {
  const seen = new Map<number, string>();
  v.members.forEach((m, j) => {
    const p = m.priority ?? defaultPriority(v, m.host);
    const twin = seen.get(p);
    if (twin !== undefined && twin !== m.host) {
      const where = m.priority !== undefined ? priorityPath(i, j) : ["vrouters", i, "members", j];
      ctx.report(
        where,
        "vrouter-priority-tie",
        `members ${twin} and ${m.host} both have priority ${p}`,
        "give each member its own priority: VRRP would break the tie by address, Pacemaker by chance",
      );
    } else seen.set(p, m.host);
  });
}

/** An explicit primary is the member that takes the VIPs first: no other member may outrank it. */
function primaryOutranked(ctx: RuleContext, v: VrouterDoc, i: number): void {
  if (v.primary === undefined) return;
  const prioOf = (m: { host: string; priority?: number }) => m.priority ?? defaultPriority(v, m.host);
  const prio = (h: string) => {
    const m = v.members.find((x) => x.host === h);
    return m ? prioOf(m) : undefined;
  };
  const mine = prio(v.primary);
  const top = v.members.find((m) => m.host !== v.primary && mine !== undefined && prioOf(m) > mine);
  if (mine !== undefined && top) {
    ctx.report(
      ["vrouters", i, "primary"],
      "vrouter-priority-primary",
      `primary ${v.primary} has priority ${mine}, but ${top.host} has ${prioOf(top)}`,
      `with 'ha' the primary is the member that takes the VIPs first: make ${top.host} the primary, or give ${v.primary} the highest priority`,
    );
  }
}

/**
 * Member priorities decide who holds the VIPs: they are written only with 'ha', they differ (VRRP
 * breaks a tie by address, Pacemaker by chance), and an explicit primary has the highest one.
 */
export const vrouterPriorities: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    if (!v.ha) {
      prioritiesWithoutHa(ctx, v, i);
      return;
    }
    priorityTies(ctx, v, i);
    primaryOutranked(ctx, v, i);
  });
};
