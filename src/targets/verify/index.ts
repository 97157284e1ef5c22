// Seed Phase 4: what must hold after apply, and for gateways held elsewhere, the only thing we do.
import type { Check, Contribution } from "../../plan/types.js";
import type { Host } from "../../resolve/site.js";
import type { Target } from "../target.js";
import { gatewayChecks } from "../vlan-gateway/index.js";

type HostCheck = Check & { host: string; title: string };

function hostChecks(h: Host): HostCheck[] {
  const out: HostCheck[] = [];
  const add = (title: string, cs: Check[]) => cs.forEach((c) => out.push({ ...c, host: h.name, title }));
  if (h.forwarding.ipv4) add("forwarding", [{ fn: "check_sysctl", args: ["net.ipv4.ip_forward", "1"] }]);
  if (h.forwarding.ipv6) add("forwarding", [{ fn: "check_sysctl", args: ["net.ipv6.conf.all.forwarding", "1"] }]);
  for (const g of h.gateways) {
    add(`gateway ${g.ifname}`, gatewayChecks(g));
    if (g.persistence === "systemd") add(`gateway ${g.ifname}`, [{ fn: "check_unit", args: [g.unit], phase: "persist" }]);
  }
  for (const c of h.checked) {
    if (c.on === "bridge-owner") add(`${c.network} gateway held by ${c.bridge}'s owner`, [{ fn: "check_addr", args: [c.bridge!, c.ifaddr] }]);
    else add(`${c.network} gateway ${c.address} on ${c.router}`, [{ fn: "check_route_to", args: [c.address] }, { fn: "check_reachable", args: [c.address] }]);
  }
  return out;
}

export const verify: Target = {
  name: "verify",
  summary: "post-apply checks (seed Phase 4); the only artifact for gateways held by a router or bridge owner",
  checkedBy: [],
  plan: (site): Contribution => ({ checks: site.hosts.flatMap(hostChecks) }),
};
