// The verify checks, each kind defined once like the gates: its fields (CheckParams), the lib.sh
// function that runs it (templates/shell/lib/<fn>.hbs) and how its fields become that function's
// arguments (CHECKS). Drift and the final verify read the fields by name; only checkCall spells them.
import type { Phase } from "./types.js";

export interface CheckParams {
  vlan: { readonly link: string; readonly parent: string; readonly vid: number };
  addr: { readonly link: string; readonly cidr: string };
  "admin-up": { readonly link: string };
  route: { readonly cidr: string; readonly link: string };
  sysctl: { readonly key: string; readonly value: string };
  unit: { readonly unit: string };
  "route-to": { readonly address: string };
  reachable: { readonly address: string };
  // inside a router's namespace
  netns: { readonly ns: string };
  "ns-sysctl": { readonly ns: string; readonly key: string; readonly value: string };
  "ns-up": { readonly ns: string; readonly link: string };
  "ns-addr": { readonly ns: string; readonly link: string; readonly cidr: string };
  "bridge-port": { readonly link: string; readonly bridge: string };
  "ovs-port": { readonly bridge: string; readonly link: string };
  "ns-default-route": { readonly ns: string; readonly via: string };
  "ns-nft": { readonly ns: string; readonly table: string };
  "ns-iptables": { readonly ns: string; readonly table: string; readonly chain: string; readonly rule: readonly string[] };
  "ns-reachable": { readonly ns: string; readonly address: string };
  "default-via": { readonly via: string };
  /** Every time daemon the node has names via as its server, and a running one reports it as a source. */
  "time-source": { readonly via: string };
  // files and failover
  file: { readonly path: string };
  "unit-file": { readonly unit: string };
  "secret-file": { readonly path: string };
  "cluster-resource": { readonly resource: string };
}
export type CheckKind = keyof CheckParams;

/** A check of one kind; phase: only true once this phase has been applied (host.sh verify PHASE skips it for other phases). */
export type Check = { [K in CheckKind]: { readonly kind: K; readonly params: CheckParams[K]; readonly phase?: Phase } }[CheckKind];

interface CheckDef<K extends CheckKind> {
  fn: string;
  args: (p: CheckParams[K]) => string[];
}

export const CHECKS: { readonly [K in CheckKind]: CheckDef<K> } = {
  vlan: { fn: "check_vlan", args: (p) => [p.link, p.parent, String(p.vid)] },
  addr: { fn: "check_addr", args: (p) => [p.link, p.cidr] },
  "admin-up": { fn: "check_admin_up", args: (p) => [p.link] },
  route: { fn: "check_route", args: (p) => [p.cidr, p.link] },
  sysctl: { fn: "check_sysctl", args: (p) => [p.key, p.value] },
  unit: { fn: "check_unit", args: (p) => [p.unit] },
  "route-to": { fn: "check_route_to", args: (p) => [p.address] },
  reachable: { fn: "check_reachable", args: (p) => [p.address] },
  netns: { fn: "check_netns", args: (p) => [p.ns] },
  "ns-sysctl": { fn: "check_ns_sysctl", args: (p) => [p.ns, p.key, p.value] },
  "ns-up": { fn: "check_ns_up", args: (p) => [p.ns, p.link] },
  "ns-addr": { fn: "check_ns_addr", args: (p) => [p.ns, p.link, p.cidr] },
  "bridge-port": { fn: "check_bridge_port", args: (p) => [p.link, p.bridge] },
  "ovs-port": { fn: "check_ovs_port", args: (p) => [p.bridge, p.link] },
  "ns-default-route": { fn: "check_ns_route", args: (p) => [p.ns, "default", p.via] },
  "ns-nft": { fn: "check_ns_nft", args: (p) => [p.ns, "inet", p.table] },
  "ns-iptables": { fn: "check_ns_iptables", args: (p) => [p.ns, p.table, p.chain, ...p.rule] },
  "ns-reachable": { fn: "check_ns_reachable", args: (p) => [p.ns, p.address] },
  "default-via": { fn: "check_default_via", args: (p) => [p.via] },
  "time-source": { fn: "check_time_source", args: (p) => [p.via] },
  file: { fn: "check_file", args: (p) => [p.path] },
  "unit-file": { fn: "check_unit_file", args: (p) => [p.unit] },
  "secret-file": { fn: "check_secret_file", args: (p) => [p.path] },
  "cluster-resource": { fn: "check_cluster_resource", args: (p) => [p.resource] },
};

/** A check of one kind. */
export const check = <K extends CheckKind>(kind: K, params: CheckParams[K]): Check => ({ kind, params }) as Check;

/** The lib.sh function a check calls. */
export const checkFn = (c: Check): string => CHECKS[c.kind].fn;

/** The function and its arguments, as host.sh verify and the role's checks.sh call it. */
export function checkCall(c: Check): string[] {
  const def = CHECKS[c.kind] as CheckDef<CheckKind>;
  return [def.fn, ...def.args(c.params as never)];
}

/** Two checks ask the same thing (the final verify runs each once). */
export const checkKey = (c: Check): string => checkCall(c).join("\0");
