import { parseAddress, specialAddress, type Addr } from "../../net/cidr.js";
import type { Rule, RuleContext } from "../context.js";

/** Where VIPs live, parsed: every range of purpose vip and every router VIP written out (not auto). */
function vipRanges(ctx: RuleContext): Array<{ what: string; from: Addr; to: Addr; single?: true }> {
  const ranges = ctx.doc.networks.flatMap((n) =>
    (n.ranges ?? [])
      .filter((r) => r.purpose === "vip")
      .flatMap((r) => {
        const from = parseAddress(r.from);
        const to = parseAddress(r.to);
        return from && to ? [{ what: `range ${r.name} (purpose vip) of network ${n.name}`, from, to }] : [];
      }),
  );
  const vips = (ctx.doc.vrouters ?? []).flatMap((v) =>
    (["management", "public"] as const).flatMap((leg) => {
      const a = parseAddress(v[leg].vip);
      return a ? [{ what: `vrouter ${v.name}'s ${leg} VIP`, from: a, to: a, single: true as const }] : [];
    }),
  );
  return [...ranges, ...vips];
}

/**
 * A management address is what Ansible connects to and the hand-off's inventory lists: one per host, a
 * unicast address a remote controller can reach, and not an address sitegen may hand out as a VIP.
 */
export const management: Rule = (ctx) => {
  const seen = new Map<string, string>(); // canonical address -> first host
  const vips = vipRanges(ctx);
  ctx.doc.hosts.forEach((h, i) => {
    const a = parseAddress(h.management);
    if (!a) return; // membership reports it
    const path = ["hosts", i, "management"];
    const special = specialAddress(a);
    if (special) {
      ctx.report(
        path,
        "management-unusable",
        `management address ${a.text} is in ${special}: Ansible and operators cannot reach the host there`,
        "write the unicast address the host is reached on from the controller",
      );
    }
    const first = seen.get(`${a.family}/${a.value}`);
    if (first !== undefined) {
      ctx.report(
        path,
        "management-duplicate",
        `management address ${a.text} is also host ${first}'s`,
        "each host has its own management address: the hand-off's inventory would list one machine twice",
      );
    } else seen.set(`${a.family}/${a.value}`, h.name);
    const vip = vips.find((r) => a.family === r.from.family && a.value >= r.from.value && a.value <= r.to.value);
    if (vip) {
      ctx.report(
        path,
        "management-in-vip-range",
        `management address ${a.text} is ${vip.single ? "" : "inside "}${vip.what}`,
        vip.single
          ? "whichever member holds the VIP would answer for this host: move the host's address or the VIP"
          : `a VIP from that range would collide with this host: move the host's address, or shrink the range to leave ${a.text} out`,
      );
    }
  });
};
