// Phase 2 of the seed: the gateway as a VLAN sub-interface, brought up at runtime (lost on reboot).
import type { Action } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { reverify } from "../../plan/final.js";
import type { Check, Decision, Step } from "../../plan/types.js";
import { addrsOf, type Host, type HostGateway } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";

/** The final verify's group for one gateway: the runtime and persistence steps' checks. */
export const gatewayTitle = (g: HostGateway): string => `gateway ${g.ifname}`;

/** REVIEW.md's record of how a gateway persists (systemd or netplan) and why. */
export const persistenceDecision = (host: string, g: HostGateway): Decision => ({
  host,
  key: "persistence",
  value: g.persistence,
  subject: g.ifname,
  reason: g.persistenceReason,
});

// Single-family gateways keep the order they always had: vlan, address, up, route (then the IPv6 pair of a dual stack).
export const gatewayChecks = (g: HostGateway): Check[] => [
  check("vlan", { link: g.ifname, parent: g.bridge.name, vid: g.vid }),
  check("addr", { link: g.ifname, cidr: g.ifaddr }),
  check("admin-up", { link: g.ifname }),
  check("route", { cidr: g.cidr, link: g.ifname }),
  ...(g.dual ? [check("addr", { link: g.ifname, cidr: g.dual.ifaddr }), check("route", { cidr: g.dual.cidr, link: g.ifname })] : []),
];

/**
 * "provider-vip's gateway address" (or "addresses" for a dual stack): a title names whose address, and the command
 * beside it says which, so a moved address changes the lines that use it and no title.
 */
export const gatewayAddressText = (g: HostGateway): string => `${g.network}'s gateway address${g.dual ? "es" : ""}`;

/** Delete the sub-interface if present: the inverse of creating it, shared by every phase that creates it. */
export const deleteLink = (ifname: string): Action => ({ kind: "link-del", link: ifname });

export function runtimeStep(host: string, g: HostGateway): Step {
  return {
    id: `runtime-${g.ifname}`,
    host,
    phase: "runtime",
    title: `create ${g.ifname} (VLAN ${g.vid} on ${g.bridge.name}) with ${gatewayAddressText(g)} and bring it up`,
    apply: [
      { kind: "vlan-add", link: g.ifname, parent: g.bridge.name, vid: g.vid },
      ...addrsOf(g).map((a): Action => ({ kind: "addr-replace", link: g.ifname, cidr: a.ifaddr, family: a.family })),
      { kind: "link-up", link: g.ifname },
    ],
    verify: gatewayChecks(g),
    inverse: [deleteLink(g.ifname)],
  };
}

/** A host's gateways grouped by the bridge they ride: a note about a bridge is said once for all of them. */
export const byBridge = (gs: readonly HostGateway[]): HostGateway[][] =>
  [...new Set(gs.map((g) => g.bridge.name))].map((b) => gs.filter((g) => g.bridge.name === b));

// Per bridge: the libvirt notes; per IPv6 address whether anything sends router advertisements for it
// (the files alone do not tell a reviewer).
const notes = (h: Host) =>
  byBridge(h.gateways).flatMap((gs) =>
    reviewLines(h.name, "vlan-gateway/review-notes", {
      libvirt: gs[0]!.bridge.owner === "libvirt",
      network: gs[0]!.bridge.libvirtNetwork ?? "",
      bridge: gs[0]!.bridge.name,
      units: gs.map((g) => g.unit),
      ifnames: gs.map((g) => g.ifname),
      ipv6: gs.flatMap((g) =>
        addrsOf(g)
          .filter((a) => a.family === 6)
          .map((a) => ({ address: a.address, ifname: g.ifname, gwnetwork: g.network })),
      ),
    }),
  );

const tests = (h: Host) =>
  h.gateways.flatMap((g) =>
    reviewLines(h.name, "vlan-gateway/review-tests", {
      addrs: addrsOf(g).map((a) => ({ address: a.address, cidr: a.cidr, forwarding: a.family === 6 ? "IPv6 forwarding=1" : "ip_forward=1" })),
      targets: g.testTargets.slice(0, 3),
      network: g.network,
      ifname: g.ifname,
      addressText: gatewayAddressText(g),
    }),
  );

export const vlanGateway: Target = {
  name: "vlan-gateway",
  summary: "runtime VLAN sub-interface gateways (seed Phase 2), reversible with ip link del",
  checkedBy: [],
  plan: (site) => {
    const made = site.hosts.flatMap((h) => h.gateways.map((g) => ({ g, step: runtimeStep(h.name, g) })));
    return {
      steps: made.map((m) => m.step),
      reverify: made.map((m) => reverify(m.step, gatewayTitle(m.g))),
      notes: site.hosts.flatMap(notes),
      tests: site.hosts.flatMap(tests),
    };
  },
};
