import { SYNC_DEFAULTS } from "../../model/defaults.js";
import type { Path } from "../../model/source.js";
import type { VrouterDoc, VrouterHaDoc } from "../../model/types.js";
import { multicastProblem, parseAddress, type Addr } from "../../net/cidr.js";
import type { Rule, RuleContext } from "../context.js";
import { segmentNames, segmentsOf } from "../segments.js";
import { eachVrouter } from "../vrouter-lookup.js";

/** FTFW with more than two members loses updates (its receivers keep one sequence number for all peers). */
function ftfwMembers(ctx: RuleContext, v: VrouterDoc, ha: VrouterHaDoc, path: Path): void {
  const members = new Set(v.members.map((m) => m.host)).size;
  if (ha.sync?.mode === "ftfw" && members > 2) {
    ctx.report(
      [...path, "mode"],
      "vrouter-sync-ftfw-members",
      `FTFW syncs exactly two members, vrouter ${v.name} has ${members}`,
      "remove 'mode' (notrack is the default for more than two members) or set 'mode: notrack'; " +
        "FTFW's receivers track one sequence for all peers and drop the active member's updates when a third member's messages interleave",
    );
  }
}

/** The sync group (written or the default), if it is an IPv4 multicast address outside the local network control block. */
function syncGroup(ctx: RuleContext, ha: VrouterHaDoc, path: Path): Addr | undefined {
  const text = ha.sync?.group ?? SYNC_DEFAULTS.group;
  const a = parseAddress(text);
  if (!a) {
    ctx.report(
      [...path, "group"],
      "invalid-address",
      `sync group '${text}' is not an IPv4 or IPv6 address`,
      "write an IPv4 multicast address, e.g. 225.0.0.50",
    );
    return undefined;
  }
  const why = multicastProblem(a);
  if (why) {
    ctx.report(
      [...path, "group"],
      "vrouter-sync-not-multicast",
      `sync group ${a.text} is ${why}`,
      "use an address in 225.0.0.0-239.255.255.255, e.g. 225.0.0.50 (conntrackd's default)",
    );
    return undefined;
  }
  return a;
}

/**
 * conntrackd's sync channel: the group is an IPv4 multicast address outside the local network
 * control block, two routers on one management segment do not share a group and port (each would
 * commit the other's connections into its kernel table), and FTFW has exactly two members: its
 * receiver keeps one expected sequence number for every peer and drops messages that look delayed
 * (conntrack-tools sync-ftfw.c), so a third member's messages make the backups lose updates.
 */
export const vrouterSync: Rule = (ctx) => {
  const seg = segmentsOf(ctx.doc);
  const taken = new Map<string, string>();
  eachVrouter(ctx, (v, i) => {
    if (!v.ha) return;
    const path = ["vrouters", i, "ha", "sync"];
    ftfwMembers(ctx, v, v.ha, path);
    const a = syncGroup(ctx, v.ha, path);
    if (!a) return;
    const net = ctx.doc.networks.findIndex((n) => n.name === v.management.network);
    if (net < 0) return;
    const port = v.ha.sync?.port ?? SYNC_DEFAULTS.port;
    const key = `${seg[net]}/${a.text}/${port}`;
    const who = taken.get(key);
    if (who) {
      ctx.report(
        v.ha.sync ? path : ["vrouters", i, "ha"],
        "vrouter-sync-collision",
        `conntrackd sync ${a.text} port ${port} is already vrouter ${who}'s on the segment of ${segmentNames(ctx.doc, seg, seg[net]!).join(", ")}`,
        "give each router on a segment its own 'sync: { group, port }': a member would commit the other router's connections",
        v.ha.sync === undefined,
      );
    } else taken.set(key, v.name);
  });
};
