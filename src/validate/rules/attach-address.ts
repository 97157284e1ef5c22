import type { Rule } from "../context.js";
import { legs } from "../vrouter-lookup.js";
import { nodesOf } from "./vrouter-nodes.js";

/**
 * A host's own address (an attachment's 'address') is checked by verify on the bridge it names. On a tagged
 * network it sits on a VLAN interface sitegen neither creates nor knows the name of, so it could be neither
 * configured nor checked: refused rather than carried silently (a node's is vrouter-node-vlan's to report).
 */
export const attachAddress: Rule = (ctx) => {
  const nodes = new Set(
    (ctx.doc.vrouters ?? []).flatMap((v, i) => {
      const net = legs(ctx, v, i)[0]?.index;
      return nodesOf(ctx, v, i).map(([, j]) => `${net}/${j}`);
    }),
  );
  ctx.doc.networks.forEach((n, i) => {
    if (n.vlan === undefined) return;
    (n.attach ?? []).forEach((a, j) => {
      if (a.address === undefined || nodes.has(`${i}/${j}`)) return;
      ctx.report(
        ["networks", i, "attach", j, "address"],
        "attach-address-tagged",
        `${a.host}'s address ${a.address} on network ${n.name} (VLAN ${n.vlan}) sits on a VLAN interface that sitegen does not configure for it, ` +
          "so it could be neither configured nor checked",
        `leave 'address:' out (sitegen needs no address of ${a.host}'s own here), or carry the network untagged on ${a.bridge}`,
      );
    });
  });
};
