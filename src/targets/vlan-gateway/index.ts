// Phase 2 of the seed: the gateway as a VLAN sub-interface, brought up at runtime (lost on reboot).
import { cmd, probe } from "../../plan/actions.js";
import { reverify } from "../../plan/final.js";
import type { Check, Step } from "../../plan/types.js";
import type { Host, HostGateway } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";

/** The final verify's group for one gateway: the runtime and persistence steps' checks. */
export const gatewayTitle = (g: HostGateway): string => `gateway ${g.ifname}`;

export const gatewayChecks = (g: HostGateway): Check[] => [
  { fn: "check_vlan", args: [g.ifname, g.bridge.name, String(g.vid)] },
  { fn: "check_addr", args: [g.ifname, g.ifaddr] },
  { fn: "check_admin_up", args: [g.ifname] },
  { fn: "check_route", args: [g.cidr, g.ifname] },
];

/** Delete the sub-interface if present: the inverse of creating it, shared by every phase that creates it. */
export const deleteLink = (ifname: string) => cmd(["ip", "link", "del", "dev", ifname], { onlyIf: probe("ip", "link", "show", "dev", ifname) });

export function runtimeStep(host: string, g: HostGateway): Step {
  const ip = g.family === 6 ? ["ip", "-6"] : ["ip"];
  return {
    id: `runtime-${g.ifname}`, host, phase: "runtime",
    title: `create ${g.ifname} (VLAN ${g.vid} on ${g.bridge.name}) with ${g.ifaddr} and bring it up`,
    apply: [
      cmd(["ip", "link", "add", "link", g.bridge.name, "name", g.ifname, "type", "vlan", "id", String(g.vid)], { unless: probe("ip", "link", "show", "dev", g.ifname) }),
      cmd([...ip, "addr", "replace", g.ifaddr, "dev", g.ifname]),
      cmd(["ip", "link", "set", "dev", g.ifname, "up"]),
    ],
    verify: gatewayChecks(g),
    inverse: [deleteLink(g.ifname)],
  };
}

const notes = (h: Host) => h.gateways.filter((g) => g.bridge.owner === "libvirt").flatMap((g) =>
  reviewLines(h.name, "vlan-gateway/review-notes", { network: g.bridge.libvirtNetwork ?? "", bridge: g.bridge.name, unit: g.unit, ifname: g.ifname }));

const tests = (h: Host) => h.gateways.flatMap((g) =>
  reviewLines(h.name, "vlan-gateway/review-tests",
    { address: g.address, targets: g.testTargets.slice(0, 3), network: g.network, cidr: g.cidr, ifname: g.ifname, ifaddr: g.ifaddr }));

export const vlanGateway: Target = {
  name: "vlan-gateway",
  summary: "runtime VLAN sub-interface gateways (seed Phase 2), reversible with ip link del",
  checkedBy: [],
  plan: (site) => {
    const made = site.hosts.flatMap((h) => h.gateways.map((g) => ({ g, step: runtimeStep(h.name, g) })));
    return {
      steps: made.map((m) => m.step), reverify: made.map((m) => reverify(m.step, gatewayTitle(m.g))),
      notes: site.hosts.flatMap(notes), tests: site.hosts.flatMap(tests),
    };
  },
};
