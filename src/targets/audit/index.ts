// Read-only gates, numbered as in the seed's Phase 1 (G1-G6), plus G7 for gateways held elsewhere, G8 for a gateway unit's name
// and G9 for a libvirt network's hook and target.
import { gate, type HostGate } from "../../plan/gates.js";
import { addrsOf, type Bridge, type Host, type HostGateway } from "../../resolve/site.js";
import { HEADER_MARK } from "../../render/header.js";
import type { Target } from "../target.js";
import { hooked, hookedNetworks, hookPath, networkTarget } from "../systemd/libvirt-hook.js";
import { ONESHOT_RESTART_SYSTEMD, OVS_UNITS } from "../systemd/index.js";

function bridgeGates(host: string, b: Bridge, gws: HostGateway[]): HostGate[] {
  const gateways = gws.flatMap((g) => addrsOf(g).map((a) => ({ ifname: g.ifname, address: a.address, persistence: g.persistence, vid: String(g.vid) })));
  const gates: HostGate[] = [
    gate(host, "bridge-vlan-filtering", b.name, `${b.name} must pass tagged frames (VLAN ${gws.map((g) => g.vid).join(", ")})`, {
      bridge: b.name,
      expected: b.vlanFiltering ? "1" : "0",
    }),
    gate(host, "bridge-detail", b.name, `${b.name} is a bridge: detail and state`, { bridge: b.name }),
    gate(host, "netplan-ownership", b.name, `does netplan touch ${b.name}? (decides systemd or netplan persistence)`, {
      bridge: b.name,
      owner: b.owner,
      gateways,
    }),
  ];
  if (b.owner === "libvirt" && b.libvirtNetwork !== undefined) {
    gates.push(
      gate(host, "libvirt-network", b.libvirtNetwork, `libvirt network ${b.libvirtNetwork}: active, autostart, bridge, forward mode`, {
        network: b.libvirtNetwork,
        bridge: b.name,
        hook: gws.some(hooked),
      }),
    );
  }
  return gates;
}

/** Facts about the host's own software that generated units rely on (H1, H2): checked before anything runs. */
function factGates(h: Host): HostGate[] {
  const gates: HostGate[] = [];
  const units = h.gateways.filter((g) => g.persistence === "systemd").map((g) => g.unit);
  if (units.length) {
    gates.push(
      gate(h.name, "systemd-version", "systemd", `systemd is ${ONESHOT_RESTART_SYSTEMD} or newer (Restart= on a oneshot: ${units.join(", ")})`, {
        min: ONESHOT_RESTART_SYSTEMD,
        units,
        why: "Restart= on a Type=oneshot unit",
      }),
    );
  }
  const ovs = h.bridges.filter((b) => b.type === "ovs").map((b) => b.name);
  if (ovs.length) {
    gates.push(gate(h.name, "ovs-unit", "openvswitch", `Open vSwitch's unit is installed (${OVS_UNITS.join(" or ")})`, { names: OVS_UNITS, bridges: ovs }));
  }
  return gates;
}

const FORWARDING = [
  ["ipv4", "net.ipv4.ip_forward"],
  ["ipv6", "net.ipv6.conf.all.forwarding"],
] as const;

/** A host that routes between its planes needs forwarding on, for each family it routes. */
function forwardingGates(h: Host): HostGate[] {
  const gates: HostGate[] = [];
  for (const [family, key] of FORWARDING) {
    if (h.forwarding[family]) {
      gates.push(
        gate(h.name, "sysctl", key, `${key} must be 1 (the host routes between its planes)`, {
          key,
          path: `/proc/sys/${key.replace(/\./g, "/")}`,
          expected: "1",
        }),
      );
    }
  }
  return gates;
}

/** The gateways sitegen creates on this host: their sub-interfaces and addresses not there yet, their units no other program's. */
function gatewayGates(h: Host): HostGate[] {
  const gates: HostGate[] = [];
  // a dual-stack gateway is checked once per address: the sub-interface must hold each, nobody else may
  for (const g of h.gateways) {
    addrsOf(g).forEach((a, i) =>
      gates.push(
        gate(
          h.name,
          "gateway-absent",
          i ? `${g.ifname} ${a.address}` : g.ifname,
          `${g.ifname} and ${g.network}'s ${g.dual ? `IPv${a.family} ` : ""}gateway address must not exist yet (or be exactly ours)`,
          {
            ifname: g.ifname,
            parent: g.bridge.name,
            vid: String(g.vid),
            cidr: a.ifaddr,
            address: a.address,
          },
        ),
      ),
    );
  }
  // a gateway's unit must not take over one the distribution or another program installed (ssh.service)
  for (const g of h.gateways.filter((x) => x.persistence === "systemd")) {
    gates.push(gate(h.name, "unit-ours", g.unit, `${g.unit} is no other program's unit`, { unit: g.unit, marker: HEADER_MARK }));
  }
  // one hook and one target per libvirt network, shared by its gateways: neither may replace another program's
  for (const n of hookedNetworks(h.gateways)) {
    const [hook, target] = [hookPath(n.network), networkTarget(n.network)];
    gates.push(gate(h.name, "hook-ours", n.network, `${hook} and ${target} are no other program's`, { network: n.network, hook, target, marker: HEADER_MARK }));
  }
  return gates;
}

export function hostGates(h: Host): HostGate[] {
  const gates: HostGate[] = [...factGates(h), ...forwardingGates(h)];
  for (const b of h.bridges) {
    const gws = h.gateways.filter((g) => g.bridge.name === b.name);
    if (gws.length) gates.push(...bridgeGates(h.name, b, gws));
  }
  gates.push(...gatewayGates(h));
  for (const c of h.checked.filter((x) => x.on === "router")) {
    for (const a of addrsOf(c)) {
      gates.push(
        gate(h.name, "address-not-local", a.address, `${a.address} belongs to ${c.router}: it must not be on this host`, {
          address: a.address,
          owner: c.router ?? "the router",
        }),
      );
    }
  }
  return gates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.subject < b.subject ? -1 : 1));
}

export const audit: Target = {
  name: "audit",
  summary: "read-only preflight gates G1-G9 and host facts H1-H2 with PASS/WARN/STOP and a machine-readable decision",
  checkedBy: [],
  plan: (site) => ({ gates: site.hosts.flatMap(hostGates) }),
};
