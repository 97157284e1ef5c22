import type { Rule } from "../context.js";
import { bridgeOn, eachVrouter, legs } from "../vrouter-lookup.js";

/**
 * A leg on a VLAN-tagged network: an Open vSwitch internal port takes the tag (tag=VID), but a veth
 * on a Linux bridge would carry the frames untagged. sitegen refuses that rather than emit a
 * router that silently sits on the wrong segment.
 */
export const vrouterLegs: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    for (const l of legs(ctx, v, i)) {
      if (l.net?.vlan === undefined) continue;
      const linux = v.members.filter((m) => (bridgeOn(ctx, l.net, m.host)?.type ?? "linux") === "linux").map((m) => m.host);
      if (linux.length) {
        const message =
          `network ${l.net.name} is VLAN ${l.net.vlan}, but on ${linux.join(", ")} the ${l.role} leg would be a veth on a Linux bridge, ` +
          "which carries it untagged";
        ctx.report(
          [...l.path, "network"],
          "vrouter-leg-vlan-linux",
          message,
          "put the VLAN on the bridge's port (eth1.VID in 'ports:') and drop 'vlan:' from the network, " +
            "or use 'type: ovs' bridges, whose internal port takes the tag",
        );
      }
    }
  });
};
