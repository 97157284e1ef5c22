import type { Rule } from "../context.js";
import { bridgeOn, eachVrouter } from "../vrouter-lookup.js";

/**
 * Warning: a node the router serves has a management bridge without 'ports'. Its cloud-init
 * network-config then says `interfaces: []`, a bridge with no uplink: the node would boot unreachable.
 */
export const nodeBridgePorts: Rule = (ctx) => {
  const warned = new Set<string>();
  eachVrouter(ctx, (v) => {
    const mgmt = ctx.doc.networks.find((n) => n.name === v.management.network);
    const pub = ctx.doc.networks.find((n) => n.name === v.public.network);
    const members = new Set(v.members.map((m) => m.host));
    const onPublic = new Set((pub?.attach ?? []).map((a) => a.host));
    for (const a of mgmt?.attach ?? []) {
      if (!a.address || members.has(a.host) || onPublic.has(a.host) || warned.has(a.host)) continue;
      const b = bridgeOn(ctx, mgmt, a.host);
      if (!b || (b.ports ?? []).length) continue;
      warned.add(a.host);
      const hi = ctx.doc.hosts.findIndex((h) => h.name === a.host);
      const bi = ctx.doc.hosts[hi]!.bridges!.indexOf(b);
      ctx.warn(
        ["hosts", hi, "bridges", bi, "name"],
        "node-bridge-no-ports",
        `node ${a.host} reaches router ${v.name} through ${b.name}, which lists no 'ports': ` +
          "its cloud-init network-config gets `interfaces: []`, a bridge with no uplink",
        `list the NICs ${b.name} enslaves, e.g. 'ports: [eth1]'`,
      );
    }
  });
};
