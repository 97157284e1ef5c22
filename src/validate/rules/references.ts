import type { Rule } from "../context.js";
import { didYouMean } from "../names.js";

/** Every host and bridge a network names exists, and a host's gateway sits on a network the host is attached to. */
export const references: Rule = (ctx) => {
  const hosts = new Map(ctx.doc.hosts.map((h) => [h.name, h]));
  const hostHelp = (name: string) => didYouMean(name, hosts.keys()) ?? `define it under 'hosts:' (known: ${[...hosts.keys()].join(", ")})`;
  ctx.doc.networks.forEach((n, i) => {
    (n.attach ?? []).forEach((a, j) => {
      const h = hosts.get(a.host);
      if (!h) {
        ctx.report(["networks", i, "attach", j, "host"], "unknown-host", `host '${a.host}' is not defined`, hostHelp(a.host));
        return;
      }
      const bridges = (h.bridges ?? []).map((b) => b.name);
      if (!bridges.includes(a.bridge)) {
        ctx.report(
          ["networks", i, "attach", j, "bridge"],
          "unknown-bridge",
          `host ${a.host} has no bridge '${a.bridge}'`,
          didYouMean(a.bridge, bridges) ?? `add it under host ${a.host}'s 'bridges:'`,
        );
      }
    });
    const g = n.gateway;
    if (!g?.host) return;
    if (!hosts.has(g.host)) {
      ctx.report(["networks", i, "gateway", "host"], "unknown-host", `host '${g.host}' is not defined`, hostHelp(g.host));
    } else if (!(n.attach ?? []).some((a) => a.host === g.host)) {
      ctx.report(
        ["networks", i, "gateway", "host"],
        "gateway-not-attached",
        `gateway host ${g.host} is not attached to network ${n.name}`,
        `add '{ host: ${g.host}, bridge: <its bridge> }' under 'attach:'`,
      );
    }
  });
};
