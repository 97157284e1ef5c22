// The audit gates for a virtual router's member: the programs it needs, its bridges, and that the
// namespace, the veths' host ends and (on a VIP holder) the VIPs are free before the first apply.
import { gate, type HostGate } from "../../plan/gates.js";
import type { Vrouter, VrouterLeg, VrouterMember } from "../../resolve/vrouter.js";

/** Programs a failover manager needs on every member (tcpdump: the audit listens for VRRP adverts). */
const HA_TOOLS = { keepalived: ["keepalived", "conntrackd", "tcpdump"], pacemaker: ["conntrackd", "pcs", "crm_resource"] } as const;

/** The programs this member's router and its services run. */
function tools(v: Vrouter, m: VrouterMember): string[] {
  const ovs = [v.management, v.public].some((l) => m.bridges[l.role].type === "ovs");
  return [
    "ip",
    "arping",
    v.nat.backend === "nftables" ? "nft" : "iptables",
    ...(v.dns ? ["dnsmasq"] : []),
    ...(v.ntp ? [v.ntp.daemon === "chrony" ? "chronyd" : "ntpd"] : []),
    ...(ovs ? ["ovs-vsctl"] : []),
    ...(v.ha ? HA_TOOLS[v.ha.manager] : []),
  ];
}

function bridgeGate(m: VrouterMember, l: VrouterLeg): HostGate {
  const b = m.bridges[l.role];
  return gate(m.host, "vrouter-bridge", b.name, `${b.name} exists and is ${b.type === "ovs" ? "an Open vSwitch" : "a Linux"} bridge (the ${l.role} leg's)`, {
    bridge: b.name,
    type: b.type,
  });
}

/** The veth's host end, for a leg on a Linux bridge (an OVS leg is an internal port). */
function vethGates(m: VrouterMember, l: VrouterLeg): HostGate[] {
  const b = m.bridges[l.role];
  if (b.type !== "linux") return [];
  return [gate(m.host, "veth-free", l.peer, `${l.peer} does not exist yet (or is our veth on ${b.name})`, { ifname: l.peer, bridge: b.name })];
}

export function memberGates(v: Vrouter, m: VrouterMember): HostGate[] {
  const legs = [v.management, v.public];
  const t = tools(v, m);
  const vips = m.holdsVips
    ? legs.map((l) =>
        gate(m.host, "vip-free", l.vip, `nobody holds the ${l.role} VIP ${l.vip} on ${m.bridges[l.role].name} yet, by ARP/NS (or our ${v.namespace} does)`, {
          address: l.vip,
          namespace: v.namespace,
          bridge: m.bridges[l.role].name,
          ...(l.vlan !== undefined ? { vlan: String(l.vlan) } : {}),
        }),
      )
    : [];
  return [
    gate(m.host, "tools-present", t.join(" "), `the programs the router needs are installed: ${t.join(", ")}`, { tools: t }),
    ...legs.map((l) => bridgeGate(m, l)),
    gate(m.host, "netns-free", v.namespace, `network namespace ${v.namespace} does not exist yet (or is exactly ours)`, {
      namespace: v.namespace,
      link: v.management.link,
    }),
    ...legs.flatMap((l) => vethGates(m, l)),
    ...vips,
  ];
}
