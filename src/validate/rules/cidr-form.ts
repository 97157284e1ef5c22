import { parseCidr } from "../../net/cidr.js";
import type { Rule } from "../context.js";

/** Every network CIDR (and a dual-stack network's cidr6) parses and has no host bits set. */
export const cidrForm: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    for (const key of ["cidr", "cidr6"] as const) {
      const text = n[key];
      if (text === undefined) continue;
      const r = parseCidr(text);
      if ("ok" in r) continue;
      if (r.error === "host-bits") {
        ctx.report(["networks", i, key], "cidr-host-bits", `${text} has host bits set`, `did you mean ${r.suggestion}?`);
      } else {
        ctx.report(
          ["networks", i, key],
          "invalid-cidr",
          `'${text}' is not an IPv4 or IPv6 network in CIDR form`,
          key === "cidr6" ? "write it as ADDRESS/PREFIX, e.g. 2001:db8::/64" : "write it as ADDRESS/PREFIX, e.g. 10.12.8.0/22 or 2001:db8::/64",
        );
      }
    }
  });
};
