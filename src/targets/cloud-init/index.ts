// Public-less nodes (seed: "default route, DNS and NTP through the VIP"): cloud-init network-config
// (v2) and user-data for nodes still to be provisioned, and for deployed nodes whose bridge netplan
// owns, a netplan drop-in and a chrony source as a reversible step.
import { cmd, netplan, probe } from "../../plan/actions.js";
import { installed } from "../../plan/files.js";
import type { Artifact, Check, Gate, Step } from "../../plan/types.js";
import { hashHeader } from "../../render/header.js";
import { toYaml } from "../../render/yaml.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterNode } from "../../resolve/vrouter.js";
import type { Target } from "../target.js";

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
  return `${hashHeader(site)}# ${n.host}: default route${v.dns ? ", DNS" : ""} via virtual router ${v.name}'s management VIP ${v.management.vip}\n${toYaml({ network })}`;
}

export function userData(site: Site, v: Vrouter, n: VrouterNode): string {
  const doc = {
    hostname: n.host,
    ...(v.ntp ? { ntp: { enabled: true, ntp_client: "chrony", servers: [v.management.vip] } } : {}),
  };
  return `#cloud-config\n${hashHeader(site)}${toYaml(doc)}`;
}

export const dropInPath = (v: Vrouter) => `/etc/netplan/60-sitegen-${v.name}.yaml`;
export const chronySourcePath = (v: Vrouter) => `/etc/chrony/sources.d/sitegen-${v.name}.sources`;

/** For a deployed node: only what changes (route and DNS); the bridge and its address are already netplan's. */
function dropIn(site: Site, v: Vrouter, n: VrouterNode): string {
  const bridge = { routes: defaultRoute(v), ...(v.dns ? { nameservers: nameservers(v) } : {}) };
  return `${hashHeader(site)}# merged by netplan into its own definition of ${n.bridge.name}\n${toYaml({ network: { version: 2, bridges: { [n.bridge.name]: bridge } } })}`;
}

const deployed = (n: VrouterNode) => n.bridge.owner === "netplan";

/** The deployed node's files: the netplan drop-in (kept 0644 in out/, installed 0600) and the chrony source. */
function nodeFiles(site: Site, v: Vrouter, n: VrouterNode) {
  return {
    dropIn: installed(n.host, dropInPath(v), dropIn(site, v, n), 0o600),
    chrony: v.ntp ? installed(n.host, chronySourcePath(v), `${hashHeader(site)}server ${v.management.vip} iburst\n`) : undefined,
  };
}

function nodeStep(site: Site, v: Vrouter, n: VrouterNode): Step {
  // reload only a running chronyd; a stopped one reads sources.d when it starts
  const reload = cmd(["chronyc", "reload", "sources"], { onlyIf: probe("pidof", "chronyd") });
  const { dropIn: d, chrony } = nodeFiles(site, v, n);
  return {
    id: `vrouter-${v.name}-node`, host: n.host, phase: "nodes",
    title: `route${v.dns ? ", resolve" : ""}${v.ntp ? " and sync time" : ""} through ${v.name}'s management VIP ${v.management.vip} (netplan drop-in on ${n.bridge.name}${v.ntp ? ", chrony source" : ""})`,
    apply: [
      d.install,
      netplan("generate"),
      netplan("apply"),
      ...(chrony ? [chrony.install, reload] : []),
    ],
    verify: [{ fn: "check_default_via", args: [v.management.vip] }],
    inverse: [
      ...(chrony ? [chrony.remove, reload] : []),
      d.remove,
      netplan("apply"),
    ],
  };
}

function nodeArtifacts(site: Site, v: Vrouter, n: VrouterNode): Artifact[] {
  const dir = `hosts/${n.host}`;
  const out: Artifact[] = [
    { path: `${dir}/cloud-init/network-config`, content: networkConfig(site, v, n), mode: 0o644 },
    { path: `${dir}/cloud-init/user-data`, content: userData(site, v, n), mode: 0o644 },
  ];
  if (deployed(n)) {
    const { dropIn: d, chrony } = nodeFiles(site, v, n);
    out.push(d.artifact, ...(chrony ? [chrony.artifact] : []));
  }
  return out;
}

function nodeGates(v: Vrouter, n: VrouterNode): Array<Gate & { host: string }> {
  if (!deployed(n)) return [];
  return [
    { host: n.host, id: "N1", kind: "netplan-ownership", subject: n.bridge.name, title: `netplan defines ${n.bridge.name} (the drop-in merges into it)`,
      params: { bridge: n.bridge.name, owner: "netplan", pattern: n.bridge.name.replace(/[.[\]()*+?^$|\\{}]/g, "\\$&") } },
    { host: n.host, id: "N2", kind: "default-route", subject: "default", title: `the current default route (netplan refuses two default routes: remove the old one first)`,
      params: { via: v.management.vip } },
  ];
}

function nodeChecks(v: Vrouter, n: VrouterNode): Array<Check & { host: string; title: string }> {
  const title = `through virtual router ${v.name}`;
  return [
    { host: n.host, title, fn: "check_default_via", args: [v.management.vip] },
    { host: n.host, title, fn: "check_reachable", args: [v.management.vip] },
  ];
}

export const cloudInit: Target = {
  name: "cloud-init",
  summary: "public-less nodes: cloud-init network-config v2 and user-data, and a netplan drop-in for deployed nodes",
  checkedBy: ["cloud-init", "netplan", "chronyd"],
  plan: (site) => {
    const each = <T>(f: (v: Vrouter, n: VrouterNode) => T[]) => site.vrouters.flatMap((v) => v.nodes.flatMap((n) => f(v, n)));
    return {
      steps: each((v, n) => (deployed(n) ? [nodeStep(site, v, n)] : [])),
      artifacts: each((v, n) => nodeArtifacts(site, v, n)),
      gates: each(nodeGates),
      checks: each((v, n) => (deployed(n) ? nodeChecks(v, n) : [])),
    };
  },
};
