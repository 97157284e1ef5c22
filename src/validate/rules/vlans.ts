import type { Rule } from "../context.js";

const IFNAMSIZ = 15;

/** VLAN IDs are 1-4094 and unique per bridge, and the bridge.VID sub-interface name fits in IFNAMSIZ. */
export const vlans: Rule = (ctx) => {
  const used = new Map<string, string>(); // host/bridge/vid -> network name
  ctx.doc.networks.forEach((n, i) => {
    if (n.vlan === undefined) return;
    if (n.vlan < 1 || n.vlan > 4094) {
      ctx.report(
        ["networks", i, "vlan"],
        "vid-out-of-range",
        `VLAN ID ${n.vlan} is outside 1-4094`,
        "802.1Q reserves 0 and 4095; omit 'vlan' for an untagged network",
      );
      return;
    }
    (n.attach ?? []).forEach((a, j) => {
      const key = `${a.host}/${a.bridge}/${n.vlan}`;
      const other = used.get(key);
      if (other === n.name) return; // the same host twice in one network: reported by attach-once
      if (other) {
        ctx.report(
          ["networks", i, "vlan"],
          "vid-duplicate",
          `VLAN ${n.vlan} is already used on ${a.host}'s bridge ${a.bridge} by network ${other}`,
          "each VLAN ID appears once per bridge: pick another ID or another bridge",
        );
      } else used.set(key, n.name);
      const ifname = `${a.bridge}.${n.vlan}`;
      if (ifname.length > IFNAMSIZ) {
        ctx.report(
          ["networks", i, "attach", j, "bridge"],
          "ifname-too-long",
          `sub-interface name '${ifname}' is ${ifname.length} characters; Linux allows ${IFNAMSIZ} (IFNAMSIZ)`,
          `shorten bridge ${a.bridge} to at most ${IFNAMSIZ - 1 - String(n.vlan).length} characters`,
        );
      }
    });
  });
};
