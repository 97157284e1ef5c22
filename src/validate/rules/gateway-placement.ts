import type { Rule } from "../context.js";

/**
 * A host gateway is a VLAN sub-interface, so its network needs a VLAN ID; persistence `netplan` needs a
 * netplan-owned parent bridge (netplan cannot define a VLAN whose link it does not define).
 */
export const gatewayPlacement: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    const g = n.gateway;
    if (!g) return;
    const base = ["networks", i, "gateway"];
    if (g.on !== "host") {
      if (g.persistence !== undefined || g.unit !== undefined) {
        ctx.report(
          [...base, g.persistence !== undefined ? "persistence" : "unit"],
          "gateway-not-ours",
          `a gateway on '${g.on}' is only checked, never created, so it has no persistence or unit`,
          "remove the key, or set 'on: host'",
        );
      }
      return;
    }
    if (n.vlan === undefined) {
      ctx.report(
        [...base, "on"],
        "gateway-needs-vlan",
        `a host gateway is created as a VLAN sub-interface, but network ${n.name} is untagged`,
        "add 'vlan: <id>' to the network, or use 'on: bridge-owner' when the bridge itself holds the address",
      );
    }
    if (g.persistence !== "netplan") return;
    const att = (n.attach ?? []).find((a) => a.host === g.host);
    const bridge = ctx.doc.hosts.find((h) => h.name === g.host)?.bridges?.find((b) => b.name === att?.bridge);
    if (bridge && bridge.owner !== "netplan") {
      ctx.report(
        [...base, "persistence"],
        "persistence-netplan-unowned",
        `persistence netplan needs netplan to own bridge ${bridge.name}, but its owner is ${bridge.owner}`,
        "netplan cannot define a VLAN whose link it does not define: use 'persistence: systemd' (or auto)",
      );
    }
  });
};
