import { specialBlockOf } from "../../net/cidr.js";
import type { Rule } from "../context.js";

/**
 * A network is a routed unicast block that leaves room for a gateway's neighbours, and a gateway the bridge's
 * owner holds sits on the bridge itself, so on the untagged network.
 */
export const networkKind: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    for (const key of ["cidr", "cidr6"] as const) {
      const net = key === "cidr" ? ctx.nets[i] : ctx.nets6[i];
      const special = net && specialBlockOf(net);
      if (special) {
        ctx.report(
          ["networks", i, key],
          "network-special",
          `${net.text} overlaps ${special}: no network to give hosts and gateways`,
          "use a unicast block (RFC 1918 or your assigned space for IPv4, global or unique-local fd00::/8 for IPv6)",
        );
      }
    }
    const net = ctx.nets[i];
    const g = n.gateway;
    if (g && net && net.prefix === (net.family === 4 ? 32 : 128)) {
      ctx.report(
        ["networks", i, "cidr"],
        "gateway-no-room",
        `${net.text} holds a single address: a gateway there has nobody to route for`,
        "give the network the prefix its hosts share (e.g. /24), or remove its 'gateway:'",
      );
    }
    if (g?.on === "bridge-owner" && n.vlan !== undefined) {
      ctx.report(
        ["networks", i, "gateway", "on"],
        "gateway-bridge-owner-tagged",
        `a gateway on 'bridge-owner' is the bridge's own address, untagged, but network ${n.name} is VLAN ${n.vlan}`,
        "use 'on: host' (sitegen creates the VLAN sub-interface), or remove 'vlan:' if the network is the bridge's untagged one",
      );
    }
  });
};
