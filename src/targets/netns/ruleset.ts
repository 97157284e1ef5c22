// The router's packet filter and NAT, in one place for both backends: nftables (a ruleset loaded
// atomically) or iptables (one guarded command per rule, each with its own inverse).
import type { Action } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import type { Check } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter } from "../../resolve/vrouter.js";

export const nftTable = (v: Vrouter) => `sitegen-${v.name}`;

/** The nftables ruleset; with a header for the reviewable file, without for the command line. */
export function nftRuleset(site: Site | undefined, v: Vrouter): string {
  return render("netns/vrouter.nft", {
    header: site ? headerText(site) : "",
    name: v.name,
    namespace: v.namespace,
    table: nftTable(v),
    cidr: v.management.cidr,
    mgmt: v.management.link,
    pub: v.public.link,
    masquerade: v.nat.masquerade,
    ha: v.ha !== undefined,
    vip: v.public.vip,
  });
}

/** [table, chain, ...rule] for iptables: the same policy as the nftables ruleset. */
export function iptablesRules(v: Vrouter): string[][] {
  const c = v.management.cidr;
  const rules = [
    ["filter", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"],
    ["filter", "INPUT", "!", "-s", c, "-p", "udp", "--dport", "53", "-j", "REJECT"],
    ["filter", "INPUT", "!", "-s", c, "-p", "udp", "--dport", "123", "-j", "REJECT"],
    ["filter", "INPUT", "!", "-s", c, "-p", "tcp", "--dport", "53", "-j", "REJECT", "--reject-with", "tcp-reset"],
    ...(v.ha ? [["filter", "FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"]] : []),
    ["filter", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"],
    ["filter", "FORWARD", "-i", v.management.link, "-o", v.public.link, "-s", c, "-j", "ACCEPT"],
    ["filter", "FORWARD", "-j", "DROP"],
  ];
  // with ha, SNAT to the VIP: the kernel flushes MASQUERADE's connections when the address leaves the
  // interface (a graceful handover), and conntrackd would sync those deletions to the new active member
  const target = v.ha ? ["SNAT", "--to-source", v.public.vip] : ["MASQUERADE"];
  if (v.nat.masquerade) rules.push(["nat", "POSTROUTING", "-o", v.public.link, "-s", c, "-j", ...target]);
  return rules;
}

/** An iptables action on one of the rules. */
const ipt = (v: Vrouter, kind: "iptables-add" | "iptables-del", [table, chain, ...rule]: string[]): Action => ({
  kind,
  ns: v.namespace,
  table: table!,
  chain: chain!,
  rule,
});

export interface FilterPlan {
  apply: Action[];
  verify: Check[];
  inverse: Action[];
}

export function filterPlan(v: Vrouter): FilterPlan {
  if (v.nat.backend === "nftables") {
    const table = { ns: v.namespace, table: nftTable(v) };
    return {
      apply: [{ kind: "nft-table", ...table, ruleset: nftRuleset(undefined, v) }],
      verify: [check("ns-nft", table)],
      inverse: [{ kind: "nft-table-del", ...table }],
    };
  }
  const rules = iptablesRules(v);
  return {
    apply: rules.map((r) => ipt(v, "iptables-add", r)),
    verify: rules.map(([table, chain, ...rule]) => check("ns-iptables", { ns: v.namespace, table: table!, chain: chain!, rule })),
    inverse: [...rules].reverse().map((r) => ipt(v, "iptables-del", r)),
  };
}
