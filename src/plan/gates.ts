// The audit gates, each kind defined once: its parameters (here), its id and the STOP text REVIEW.md
// shows (GATES below), and its shell in templates/shell/gates/<kind>.hbs. A kind without an entry in
// GATES, or an entry without a partial, does not compile (tsc) or render (test/unit/plan/gates.test.ts).
import type { BridgeOwner } from "../model/types.js";

/** One gateway G5 decides for: the link sitegen creates, the address it holds, how it persists and its VLAN id (one per id on a link). */
export interface PersistedGateway {
  readonly ifname: string;
  readonly address: string;
  readonly persistence: "systemd" | "netplan";
  readonly vid: string;
}

export interface GateParams {
  sysctl: { readonly key: string; readonly path: string; readonly expected: string };
  "bridge-vlan-filtering": { readonly bridge: string; readonly expected: "0" | "1" };
  "bridge-detail": { readonly bridge: string };
  /** hook: a gateway's libvirt network hook goes in hooks/network.d (the version that reads it is checked). */
  "libvirt-network": { readonly network: string; readonly bridge: string; readonly hook: boolean };
  "netplan-ownership": { readonly bridge: string; readonly owner: BridgeOwner; readonly gateways: readonly PersistedGateway[] };
  "gateway-absent": { readonly ifname: string; readonly parent: string; readonly vid: string; readonly cidr: string; readonly address: string };
  "address-not-local": { readonly address: string; readonly owner: string };
  /** unit: the file name sitegen installs into /etc/systemd/system; marker: the line every file sitegen writes carries. */
  "unit-ours": { readonly unit: string; readonly marker: string };
  /** A libvirt network's hook (hooks/network.d) and the target that lists its gateway units: both sitegen's or absent. */
  "hook-ours": { readonly network: string; readonly hook: string; readonly target: string; readonly marker: string };
  "tools-present": { readonly tools: readonly string[] };
  "vrouter-bridge": { readonly bridge: string; readonly type: "linux" | "ovs" };
  "netns-free": { readonly namespace: string; readonly link: string };
  "veth-free": { readonly ifname: string; readonly bridge: string };
  /** bridge: where the duplicate-address probe goes out; vlan: a tagged leg, which that bridge cannot reach. */
  "vip-free": { readonly address: string; readonly namespace: string; readonly bridge: string; readonly vlan?: string };
  /** probes: DEV=ADDR per VIP for the duplicate-address probe (@VID=ADDR for a tagged leg: not probed, a WARN). */
  "vrrp-segment": { readonly bridge: string; readonly vrid: string; readonly members: string; readonly probes: readonly string[]; readonly seconds: string };
  "cluster-members": { readonly members: readonly string[]; readonly resource: string; readonly probes: readonly string[] };
  "netplan-bridge": { readonly bridge: string };
  /** saved: the takeover's record (a second audit finds the node taken over); fallback: the give-back target of a route via the VIP. */
  "default-route": { readonly via: string; readonly bridge: string; readonly saved: string; readonly fallback?: string };
  "time-daemons": { readonly vip: string };
  /** A unit uses a feature of systemd `min` (why): older managers refuse to load it. */
  "systemd-version": { readonly min: number; readonly units: readonly string[]; readonly why: string };
  /** Open vSwitch's unit, under either of its distributions' names (units order after it). */
  "ovs-unit": { readonly names: readonly string[]; readonly bridges: readonly string[] };
}
export type GateKind = keyof GateParams;

/** A read-only audit gate: one instance of a kind, looking at `subject`. */
export type Gate = {
  [K in GateKind]: { readonly id: string; readonly kind: K; readonly subject: string; readonly title: string; readonly params: GateParams[K] };
}[GateKind];
export type HostGate = Gate & { readonly host: string };

interface GateDef {
  /** Unique per kind, so an id in audit output or REVIEW.md names one kind of gate. */
  id: string;
  /** When it stops the change, for REVIEW.md's gate table. */
  stops: string;
  /** Shell functions its partial calls, a template included once in lib.sh. */
  helper?:
    "shell/audit-netplan" | "shell/audit-dad" | "shell/audit-unit" | "shell/audit-libvirt" | "shell/audit-gateway" | "shell/audit-bridge" | "shell/audit-host";
}

export const GATES: { readonly [K in GateKind]: GateDef } = {
  "bridge-vlan-filtering": {
    id: "G1",
    helper: "shell/audit-bridge",
    stops: "vlan_filtering differs from the inventory: VLAN-tagged frames would not traverse the bridge",
  },
  sysctl: { id: "G2", helper: "shell/audit-host", stops: "the host does not forward: routed traffic would be dropped" },
  "bridge-detail": { id: "G3", helper: "shell/audit-bridge", stops: "the bridge does not exist or is not a bridge" },
  "libvirt-network": {
    id: "G4",
    helper: "shell/audit-libvirt",
    stops:
      "libvirt has no such network, it is inactive, or its bridge differs; its forward mode (bridge, macvtap's private, vepa and passthrough, hostdev) " +
      "uses a bridge or devices libvirt does not create; neither libvirtd nor virtnetworkd runs (or both do); libvirt is older than " +
      "6.5.0, which reads no hooks/network.d (WARN only when autostart is off, or the daemon that owns the networks is not enabled)",
  },
  "netplan-ownership": {
    id: "G5",
    helper: "shell/audit-netplan",
    stops:
      "what netplan makes of its files (netplan generate: renames and name globs included) contradicts the bridge owner in the inventory " +
      "(two managers would fight), netplan gives a gateway's address to another link, uses its name or has a VLAN with its id on the bridge, " +
      "it rejects its own files, or it rejects sitegen's stanza beside them (a file that sorts after it defines the link) or would attach it to nothing",
  },
  "gateway-absent": {
    id: "G6",
    helper: "shell/audit-gateway",
    stops: "the sub-interface exists with other settings, or another device already holds the gateway address",
  },
  "address-not-local": { id: "G7", stops: "this host holds an address that belongs to an external router" },
  "unit-ours": {
    id: "G8",
    helper: "shell/audit-unit",
    stops:
      "a unit by that name exists and is not sitegen's (a package's under /usr/lib, /lib or /run, or a file in /etc/systemd/system " +
      "without sitegen's header): installing ours would replace it and the rollback would disable and delete it",
  },
  "hook-ours": {
    id: "G9",
    helper: "shell/audit-unit",
    stops:
      "the libvirt network's hook file or the target that lists its gateway units exists and is not sitegen's (a package's unit, or a file " +
      "without sitegen's header): installing ours would replace it and the rollback would delete it",
  },
  "tools-present": { id: "V1", stops: "a program the router or its services need is not installed" },
  "vrouter-bridge": { id: "V2", stops: "the bridge a leg needs is missing, or is not of the type the inventory says" },
  "netns-free": { id: "V3", stops: "a namespace by that name exists and is not ours (it lacks our management leg)" },
  "veth-free": { id: "V4", stops: "an interface with the veth's name exists and is not our veth on that bridge" },
  "vip-free": {
    id: "V5",
    helper: "shell/audit-dad",
    stops:
      "something already holds the VIP: it answers an ARP (IPv6: neighbour) duplicate-address probe on the leg's bridge, whether or not it answers ping; " +
      "two routers would claim it",
  },
  "vrrp-segment": {
    id: "V6",
    helper: "shell/audit-dad",
    stops:
      "VRRP adverts with the router's ID come from an address that is not a member (a foreign router uses the ID), or, while nobody advertises it, " +
      "something answers an ARP duplicate-address probe for the management or the public VIP (dropping ping does not hide it)",
  },
  "cluster-members": {
    id: "V7",
    helper: "shell/audit-dad",
    stops:
      "no Pacemaker cluster answers, it lacks a member, IPaddr2 cannot work in a namespace, or, before the cluster has our VIP resources, " +
      "something answers an ARP duplicate-address probe for the management or the public VIP",
  },
  "netplan-bridge": {
    id: "N1",
    helper: "shell/audit-netplan",
    stops: "netplan does not define the bridge the drop-in merges into, is not installed, or cannot read /etc/netplan",
  },
  "default-route": {
    id: "N2",
    stops:
      "a default route is via the VIP already (a node provisioned from sitegen's cloud-init) and the model names no fallback_gateway: " +
      "the rollback would leave a route to the VIP it removes; otherwise it reports each default route the takeover records and the rollback gives back",
  },
  "time-daemons": { id: "N3", stops: "never: it names the time daemons the takeover points at the VIP (a WARN when there is none)" },
  "systemd-version": {
    id: "H1",
    helper: "shell/audit-host",
    stops: "systemd is older than a unit needs (it would refuse to load the unit), or does not answer",
  },
  "ovs-unit": { id: "H2", stops: "Open vSwitch's unit is installed under none of its names: units ordered after it would start before the bridges exist" },
};

/** A gate of one kind on one host; its id comes from the kind. */
export function gate<K extends GateKind>(host: string, kind: K, subject: string, title: string, params: GateParams[K]): HostGate {
  return { host, id: GATES[kind].id, kind, subject, title, params } as HostGate;
}
