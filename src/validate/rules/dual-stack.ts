import { parseAddress } from "../../net/cidr.js";
import type { Rule } from "../context.js";

const HELP = "a dual-stack network writes its IPv4 prefix as 'cidr' and its IPv6 prefix as 'cidr6', its gateways as 'address' and 'address6'";

/**
 * A dual-stack network is IPv4 in cidr and IPv6 in cidr6 (one VLAN carries both); its gateway holds
 * an IPv4 address and, as address6, an IPv6 one. address6 needs cidr6.
 */
export const dualStack: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    const base = ["networks", i];
    const v4 = ctx.nets[i];
    const v6 = ctx.nets6[i];
    if (n.cidr6 !== undefined && v4 && v4.family !== 4) {
      ctx.report([...base, "cidr"], "dual-stack-family", `network ${n.name} has a cidr6, so its cidr must be IPv4 (it is ${v4.text})`, HELP);
    }
    if (v6 && v6.family !== 6) ctx.report([...base, "cidr6"], "dual-stack-family", `cidr6 must be an IPv6 prefix (it is ${v6.text})`, HELP);
    const g = n.gateway;
    if (!g) return;
    if (g.address6 !== undefined && n.cidr6 === undefined) {
      ctx.report(
        [...base, "gateway", "address6"],
        "gateway-address6-needs-cidr6",
        `network ${n.name} has no cidr6 for the IPv6 gateway ${g.address6}`,
        `add 'cidr6: <IPv6 prefix>' to network ${n.name}, or remove address6`,
        true,
      );
    }
    const a6 = g.address6 === undefined ? undefined : parseAddress(g.address6);
    if (a6 && a6.family !== 6) ctx.report([...base, "gateway", "address6"], "dual-stack-family", `address6 must be an IPv6 address (it is ${a6.text})`, HELP);
    const a = parseAddress(g.address);
    if (n.cidr6 !== undefined && a?.family === 6) {
      ctx.report(
        [...base, "gateway", "address"],
        "dual-stack-family",
        `the gateway's address ${a.text} is IPv6 on a dual-stack network`,
        "write the IPv4 gateway as 'address' and the IPv6 one as 'address6'",
      );
    }
  });
};
