import { parseAddress } from "../../net/cidr.js";
import type { AttachmentDoc, VrouterDoc } from "../../model/types.js";
import type { Rule, RuleContext } from "../context.js";
import { eachVrouter, legs } from "../vrouter-lookup.js";

/** True when the two texts are the same address (or either does not parse: other rules report that). */
function sameAddress(x: string | undefined, y: string): boolean {
  const a = x === undefined ? undefined : parseAddress(x);
  const b = parseAddress(y);
  return !a || !b || (a.family === b.family && a.value === b.value);
}

/**
 * The nodes a router serves (attached to its management network with an address, neither members nor on
 * its public network) get that address in their cloud-init network-config, untagged on their bridge.
 * So it must be the address Ansible reaches them on, and the network must be untagged.
 */
export const vrouterNodes: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    const [mgmt] = legs(ctx, v, i);
    if (!mgmt?.net) return;
    const nodes = nodesOf(ctx, v, i);
    for (const [a, j] of nodes) mismatch(ctx, mgmt.index, a, j);
    if (mgmt.net.vlan !== undefined && nodes.length) {
      ctx.report(
        ["networks", mgmt.index, "vlan"],
        "vrouter-node-vlan",
        `network ${mgmt.net.name} is tagged (VLAN ${mgmt.net.vlan}), but the nodes vrouter ${v.name} serves (${nodes.map(([a]) => a.host).join(", ")}) ` +
          "would get their address untagged on their bridge in cloud-init's network-config",
        "carry the management network untagged to the nodes (remove 'vlan:'), or leave the nodes' 'address:' out so sitegen does not configure them",
      );
    }
  });
};

/** The attachments of router v's management network that are nodes it serves, with their index. */
export function nodesOf(ctx: RuleContext, v: VrouterDoc, i: number): Array<[AttachmentDoc, number]> {
  const [mgmt, pub] = legs(ctx, v, i);
  const members = new Set(v.members.map((m) => m.host));
  const onPublic = new Set((pub?.net?.attach ?? []).map((a) => a.host));
  return (mgmt?.net?.attach ?? [])
    .map((a, j): [AttachmentDoc, number] => [a, j])
    .filter(([a]) => a.address !== undefined && !members.has(a.host) && !onPublic.has(a.host));
}

function mismatch(ctx: RuleContext, net: number, a: AttachmentDoc, j: number): void {
  const management = ctx.doc.hosts.find((h) => h.name === a.host)?.management;
  if (sameAddress(management, a.address!)) return;
  ctx.report(
    ["networks", net, "attach", j, "address"],
    "node-management-mismatch",
    `node ${a.host} would be given ${a.address} by cloud-init, but its management address (where Ansible connects) is ${management}`,
    `use one address for both: set this to ${management}, or change the host's 'management:'`,
  );
}
