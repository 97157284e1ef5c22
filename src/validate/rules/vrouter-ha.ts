import type { VrouterDoc, VrouterHaDoc } from "../../model/types.js";
import type { Rule, RuleContext } from "../context.js";
import { eachVrouter } from "../vrouter-lookup.js";

const KEEPALIVED_ONLY = ["virtual_router_id", "advert_interval", "auth_vault_var"] as const;
const PACEMAKER_ONLY = ["resource_prefix"] as const;

/**
 * What failover needs: every member has its own management address (VRRP adverts and conntrackd's
 * sync leave from it, and a member without the VIPs leaves through the one with them), there is a
 * second member to fail over to, keepalived has a virtual_router_id, and a setting of one manager is
 * not written for the other (nothing is dropped silently).
 */
/** A setting of the other manager is refused (nothing is dropped silently); keepalived needs its virtual_router_id. */
function managerSettings(ctx: RuleContext, ha: VrouterHaDoc, i: number): void {
  const base = ["vrouters", i, "ha"];
  const other = ha.manager === "keepalived" ? PACEMAKER_ONLY : KEEPALIVED_ONLY;
  const otherManager = ha.manager === "keepalived" ? "pacemaker" : "keepalived";
  for (const k of other) {
    if (ha[k] === undefined) continue;
    ctx.report(
      [...base, k],
      "vrouter-ha-option-mismatch",
      `'${k}' is a ${otherManager} setting, but manager is ${ha.manager}`,
      `remove '${k}', or set 'manager: ${otherManager}'`,
      true,
    );
  }
  if (ha.manager === "keepalived" && ha.virtual_router_id === undefined) {
    ctx.report(
      [...base, "manager"],
      "vrouter-vrid-missing",
      "manager keepalived needs a 'virtual_router_id'",
      "pick a number 1-255 that no other VRRP router on the segment uses (list those under the network's 'vrids_in_use'; Kolla's default is 51); " +
        "sitegen has no default because a fixed one collides",
    );
  }
}

/** A second member to fail over to, and every member with its own management address. */
function haMembers(ctx: RuleContext, v: VrouterDoc, i: number): void {
  if (new Set(v.members.map((m) => m.host)).size < 2) {
    ctx.report(
      ["vrouters", i, "members"],
      "vrouter-ha-single-member",
      "'ha' with only one member: there is nothing to fail over to",
      "add a second controller under 'members:', or remove 'ha:'",
      true,
    );
  }
  v.members.forEach((m, j) => {
    if (m.address !== undefined) return;
    ctx.report(
      ["vrouters", i, "members", j],
      "vrouter-ha-needs-address",
      `member ${m.host} has no 'address', which 'ha' needs`,
      "give every member its namespace's own management address: VRRP adverts and conntrackd's sync leave from it, " +
        "and it leaves through the VIP holder while it is a backup",
    );
  });
}

export const vrouterHa: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    if (!v.ha) return;
    managerSettings(ctx, v.ha, i);
    haMembers(ctx, v, i);
  });
};
