// Public-less nodes (seed: "default route, DNS and NTP through the VIP"): cloud-init network-config
// (v2) and user-data for nodes still to be provisioned, and for deployed nodes the takeover step with
// its exact give-back (takeover.ts).
import { check } from "../../plan/checks.js";
import { gate, type HostGate } from "../../plan/gates.js";
import type { Artifact, Check } from "../../plan/types.js";
import { hashHeader } from "../../render/header.js";
import { toYaml } from "../../render/yaml.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterNode } from "../../resolve/vrouter.js";
import { reviewLines, type Target } from "../target.js";
import { nodeArtifacts, nodeFiles, nodeStep, savedDir, viaNetplan } from "./takeover.js";

const nameservers = (v: Vrouter) => ({ addresses: [v.management.vip], ...(v.dns?.domain ? { search: [v.dns.domain] } : {}) });
const defaultRoute = (v: Vrouter) => [{ to: "default", via: v.management.vip }];

/** network-config v2 for a node being provisioned: its ports, its bridge, address, route and DNS. */
export function networkConfig(site: Site, v: Vrouter, n: VrouterNode): string {
  const b = n.bridge;
  const bridge = {
    interfaces: b.ports,
    addresses: [`${n.address}/${n.prefix}`],
    routes: defaultRoute(v),
    ...(v.dns ? { nameservers: nameservers(v) } : {}),
    ...(b.type === "ovs" ? { openvswitch: {} } : {}),
  };
  const ethernets = Object.fromEntries(b.ports.map((p) => [p, { dhcp4: false, dhcp6: false }]));
  const network = { version: 2, ...(b.ports.length ? { ethernets } : {}), bridges: { [b.name]: bridge } };
  const comment = `# ${n.host}: default route${v.dns ? ", DNS" : ""} via virtual router ${v.name}'s management VIP ${v.management.vip}`;
  return `${hashHeader(site)}${comment}\n${toYaml({ network })}`;
}

export function userData(site: Site, v: Vrouter, n: VrouterNode): string {
  const doc = {
    hostname: n.host,
    ...(v.ntp ? { ntp: { enabled: true, ntp_client: "chrony", servers: [v.management.vip] } } : {}),
  };
  return `#cloud-config\n${hashHeader(site)}${toYaml(doc)}`;
}

function nodeFilesOf(site: Site, v: Vrouter, n: VrouterNode): Artifact[] {
  const dir = `hosts/${n.host}`;
  return [
    { path: `${dir}/cloud-init/network-config`, content: networkConfig(site, v, n), mode: 0o644 },
    { path: `${dir}/cloud-init/user-data`, content: userData(site, v, n), mode: 0o644 },
    ...nodeArtifacts(nodeFiles(site, v, n)),
  ];
}

function nodeGates(v: Vrouter, n: VrouterNode): HostGate[] {
  const n1 = viaNetplan(n)
    ? [gate(n.host, "netplan-bridge", n.bridge.name, `netplan defines ${n.bridge.name} (the drop-in merges into it)`, { bridge: n.bridge.name })]
    : [];
  const n2 = gate(n.host, "default-route", "default", "every default route, which the takeover records and the rollback gives back", {
    via: v.management.vip,
    bridge: n.bridge.name,
    saved: savedDir(v),
    ...(v.fallbackGateway ? { fallback: v.fallbackGateway } : {}),
  });
  const n3 = v.ntp ? [gate(n.host, "time-daemons", "time", "the time daemons the takeover points at the VIP", { vip: v.management.vip })] : [];
  return [...n1, n2, ...n3];
}

function nodeChecks(v: Vrouter, n: VrouterNode): Array<Check & { host: string; title: string }> {
  const title = `through virtual router ${v.name}`;
  return [
    { host: n.host, title, ...check("default-via", { via: v.management.vip }) },
    { host: n.host, title, ...check("reachable", { address: v.management.vip }) },
    ...(v.ntp ? [{ host: n.host, title, ...check("time-source", { via: v.management.vip }) }] : []),
  ];
}

export const cloudInit: Target = {
  name: "cloud-init",
  summary:
    "public-less nodes: cloud-init network-config v2 and user-data; " +
    "deployed nodes hand their default route, resolver and NTP to the VIP and get them back on rollback",
  // the time daemons' lines are written on the node by node-takeover.py (which daemons it has is known only there):
  // node-takeover.test.ts parses chrony's with chronyd -p
  checkedBy: ["cloud-init", "netplan", "python"],
  plan: (site) => {
    const each = <T>(f: (v: Vrouter, n: VrouterNode) => T[]) => site.vrouters.flatMap((v) => v.nodes.flatMap((n) => f(v, n)));
    return {
      steps: each((v, n) => [nodeStep(site, v, n)]),
      artifacts: each((v, n) => nodeFilesOf(site, v, n)),
      gates: each(nodeGates),
      checks: each(nodeChecks),
      notes: each((v, n) =>
        reviewLines(n.host, "cloud-init/review-notes", {
          host: n.host,
          name: v.name,
          mgmtVip: v.management.vip,
          dns: v.dns !== undefined,
          ntp: v.ntp !== undefined,
          netplan: viaNetplan(n),
          bridge: n.bridge.name,
          owner: n.bridge.owner,
          saved: savedDir(v),
          fallback: v.fallbackGateway,
        }),
      ),
      tests: each((v, n) =>
        reviewLines(n.host, "cloud-init/review-tests", {
          probe: v.dns?.upstreams[0] ?? v.gateway,
          mgmtVip: v.management.vip,
          pubVip: v.public.vip,
          dns: v.dns !== undefined,
          ntp: v.ntp !== undefined,
        }),
      ),
    };
  },
};
