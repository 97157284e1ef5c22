// Read-only gates, numbered as in the seed's Phase 1 (G1-G6), plus G7 for gateways held elsewhere.
import type { Gate } from "../../plan/types.js";
import type { Bridge, Host, HostGateway } from "../../resolve/site.js";
import type { Target } from "../target.js";

type HostGate = Gate & { host: string };

function bridgeGates(host: string, b: Bridge, gws: HostGateway[]): HostGate[] {
  const gates: HostGate[] = [
    { host, id: "G1", kind: "bridge-vlan-filtering", subject: b.name, title: `${b.name} must pass tagged frames (VLAN ${gws.map((g) => g.vid).join(", ")})`,
      params: { bridge: b.name, expected: b.vlanFiltering ? "1" : "0" } },
    { host, id: "G3", kind: "bridge-detail", subject: b.name, title: `${b.name} is a bridge: detail and state`, params: { bridge: b.name } },
    { host, id: "G5", kind: "netplan-ownership", subject: b.name, title: `does netplan touch ${b.name}? (decides systemd or netplan persistence)`,
      params: { bridge: b.name, owner: b.owner, pattern: netplanPattern(b, gws) } },
  ];
  if (b.owner === "libvirt") {
    gates.push({ host, id: "G4", kind: "libvirt-network", subject: b.libvirtNetwork!, title: `libvirt network ${b.libvirtNetwork}: active, autostart, bridge, forward mode`,
      params: { network: b.libvirtNetwork!, bridge: b.name } });
  }
  return gates;
}

/** grep -E pattern for netplan files that mention the bridge or the gateway addresses. */
function netplanPattern(b: Bridge, gws: HostGateway[]): string {
  const esc = (s: string) => s.replace(/[.[\]()*+?^$|\\{}]/g, "\\$&");
  return [b.name, ...gws.map((g) => g.address)].map(esc).join("|");
}

export function hostGates(h: Host): HostGate[] {
  const gates: HostGate[] = [];
  const fwd: Array<[4 | 6, string]> = [[4, "net.ipv4.ip_forward"], [6, "net.ipv6.conf.all.forwarding"]];
  for (const [f, key] of fwd) {
    if (h.forwarding[f === 4 ? "ipv4" : "ipv6"]) {
      gates.push({ host: h.name, id: "G2", kind: "sysctl", subject: key, title: `${key} must be 1 (the host routes between its planes)`, params: { key, path: `/proc/sys/${key.replace(/\./g, "/")}`, expected: "1" } });
    }
  }
  for (const b of h.bridges) {
    const gws = h.gateways.filter((g) => g.bridge.name === b.name);
    if (gws.length) gates.push(...bridgeGates(h.name, b, gws));
  }
  for (const g of h.gateways) {
    gates.push({ host: h.name, id: "G6", kind: "gateway-absent", subject: g.ifname, title: `${g.ifname} / ${g.address} must not exist yet (or be exactly ours)`,
      params: { ifname: g.ifname, parent: g.bridge.name, vid: String(g.vid), cidr: g.ifaddr, address: g.address } });
  }
  for (const c of h.checked.filter((x) => x.on === "router")) {
    gates.push({ host: h.name, id: "G7", kind: "address-not-local", subject: c.address, title: `${c.address} belongs to ${c.router}: it must not be on this host`,
      params: { address: c.address, owner: c.router ?? "the router" } });
  }
  return gates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.subject < b.subject ? -1 : 1));
}

export const audit: Target = {
  name: "audit",
  summary: "read-only preflight gates G1-G7 with PASS/WARN/STOP and a machine-readable decision",
  checkedBy: [],
  plan: (site) => ({ gates: site.hosts.flatMap(hostGates) }),
};
