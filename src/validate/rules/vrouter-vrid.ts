import { AUTO } from "../../model/defaults.js";
import type { Rule } from "../context.js";
import { segmentNames, segmentsOf } from "../segments.js";
import { eachVrouter } from "../vrouter-lookup.js";

/**
 * A keepalived router's virtual_router_id is unique on its management leg's L2 segment across the whole
 * site: not another router's, not one the segment's networks list as used by someone else
 * ('vrids_in_use', e.g. Kolla's 51). Two VRRP routers with one ID on a segment fight over the VIPs.
 */
export const vrouterVrid: Rule = (ctx) => {
  const seg = segmentsOf(ctx.doc);
  const taken = new Map<string, string>(); // segment/vrid -> who
  ctx.doc.networks.forEach((n, i) =>
    (n.vrids_in_use ?? []).forEach((id) => {
      const key = `${seg[i]}/${id}`;
      if (!taken.has(key)) taken.set(key, `a router sitegen does not manage (network ${n.name}'s vrids_in_use)`);
    }),
  );
  eachVrouter(ctx, (v, i) => {
    const id = v.ha?.manager === "keepalived" ? v.ha.virtual_router_id : undefined;
    if (id === undefined || id === AUTO) return; // src/alloc chooses around the ones taken here
    // the adverts use the management leg, where every member has its own address
    const net = ctx.doc.networks.findIndex((n) => n.name === v.management.network);
    if (net < 0) return; // unknown-network is vrouter-references' to report
    const key = `${seg[net]}/${id}`;
    const who = taken.get(key);
    if (who) {
      const names = segmentNames(ctx.doc, seg, seg[net]!);
      const there = [...taken.keys()].filter((k) => k.startsWith(`${seg[net]}/`)).map((k) => k.split("/")[1]);
      ctx.report(
        ["vrouters", i, "ha", "virtual_router_id"],
        "vrouter-vrid-collision",
        `virtual_router_id ${id} is already used on the L2 segment of ${names.join(", ")} by ${who}`,
        `pick an ID no other VRRP router on that segment uses (taken there: ${there.join(", ")})`,
      );
    } else taken.set(key, `vrouter ${v.name}`);
  });
};
