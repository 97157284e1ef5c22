// What a host has on the networks it is attached to: its own addresses there, the gateways it creates
// (a VLAN sub-interface of a host bridge, persisted as the bridge's owner allows) and the ones it checks.
import type { GatewayDoc, NetworkDoc } from "../model/types.js";
import { parseAddress } from "../net/cidr.js";
import type { Bridge, CheckedGateway, Host, HostGateway, IfAddr, Network } from "./site.js";

const canon = (s: string) => parseAddress(s)!.text;

/** Host's addresses and gateways on nets (each network as written and as resolved), in inventory order. */
export function attachments(host: string, nets: Array<[NetworkDoc, Network]>, bridges: readonly Bridge[]) {
  const gateways: HostGateway[] = [];
  const checked: CheckedGateway[] = [];
  const addresses: Array<Host["addresses"][number]> = [];
  for (const [n, net] of nets) {
    const att = net.attach.find((a) => a.host === host);
    if (att?.address) addresses.push({ network: net.name, bridge: att.bridge, address: att.address, ifaddr: `${att.address}/${prefixOf(net, att.address)}` });
    const g = n.gateway;
    if (!g || !att) continue;
    const address = canon(g.address);
    const base = { network: net.name, cidr: net.cidr, family: net.family, address, prefix: net.prefix, ifaddr: `${address}/${net.prefix}`, ...dualOf(net) };
    if (g.on === "host" && g.host === host) {
      gateways.push(
        hostGateway(
          base,
          g,
          net,
          bridges.find((b) => b.name === att.bridge)!,
          n.vlan!,
        ),
      );
    } else if (g.on === "router" || (g.on === "bridge-owner" && g.host === host)) {
      checked.push(Object.assign({}, base, { on: g.on }, g.router ? { router: g.router } : {}, g.on === "bridge-owner" ? { bridge: att.bridge } : {}));
    }
  }
  return { gateways, checked, addresses };
}

/** The prefix length an address of net carries: a dual-stack network's IPv6 one for an IPv6 address. */
const prefixOf = (net: Network, address: string): number => (net.v6 && parseAddress(address)?.family === 6 ? net.v6.prefix : net.prefix);

type GatewayBase = Pick<HostGateway, "network" | "cidr" | "family" | "address" | "prefix" | "ifaddr" | "dual">;

/** The gateway this host creates on VLAN vid of bridge, persisted as the inventory asks or as the bridge's owner implies. */
function hostGateway(base: GatewayBase, g: GatewayDoc, net: Network, bridge: Bridge, vid: number): HostGateway {
  const chosen = g.persistence ?? "auto";
  const persistence = chosen === "auto" ? (bridge.owner === "netplan" ? "netplan" : "systemd") : chosen;
  // Object.assign, not { ...base, bridge, ... }: node 20 gives every object made so a hidden class of its own, and
  // each target's and bundle's reads of the site's 4,000 gateways were slow lookups through them all
  return Object.assign({}, base, {
    bridge,
    vid,
    ifname: `${bridge.name}.${vid}`,
    persistence,
    persistenceReason: reason(chosen, bridge),
    unit: g.unit ?? `${net.name}-gw.service`,
    testTargets: [...net.statics.map((s) => s.address), ...net.attach.filter((a) => a.address).map((a) => a.address!)],
  });
}

function dualOf(net: Network): { dual?: IfAddr } {
  const a = net.gateway?.address6;
  if (!a || !net.v6) return {};
  return { dual: { family: 6, cidr: net.v6.cidr, address: a, prefix: net.v6.prefix, ifaddr: `${a}/${net.v6.prefix}` } };
}

function reason(chosen: string, b: Bridge): string {
  const owner = b.owner === "libvirt" ? `libvirt (network ${b.libvirtNetwork})` : b.owner;
  if (chosen === "auto" && b.owner === "netplan") {
    return `auto: netplan owns ${b.name}, so the VLAN joins netplan's own definition and one manager stays in charge (seed Phase 3B)`;
  }
  if (chosen === "auto") {
    return (
      `auto: ${b.name} is owned by ${owner}, not netplan; netplan cannot define a VLAN on a link it does not define, ` +
      "so a systemd oneshot ordered after the owner creates it (seed Phase 3A)"
    );
  }
  return `set explicitly to ${chosen} in the inventory (bridge ${b.name} is owned by ${owner})`;
}
