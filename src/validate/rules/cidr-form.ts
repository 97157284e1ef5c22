import { parseCidr } from "../../net/cidr.js";
import type { Rule } from "../context.js";

/** Every network CIDR parses and has no host bits set. */
export const cidrForm: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    const r = parseCidr(n.cidr);
    if ("ok" in r) return;
    if (r.error === "host-bits") {
      ctx.report(["networks", i, "cidr"], "cidr-host-bits", `${n.cidr} has host bits set`, `did you mean ${r.suggestion}?`);
    } else {
      ctx.report(["networks", i, "cidr"], "invalid-cidr", `'${n.cidr}' is not an IPv4 or IPv6 network in CIDR form`,
        "write it as ADDRESS/PREFIX, e.g. 10.12.8.0/22 or 2001:db8::/64");
    }
  });
};
