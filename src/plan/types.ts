// The plan: what every target contributes, before any bundle renders it.
import type { Action, GitMode } from "./actions.js";
import type { HostGate } from "./gates.js";

export type { Action } from "./actions.js";

/** Apply order. services: daemons and their configs; nodes: configs handed to other machines. */
export type Phase = "audit" | "runtime" | "persist" | "services" | "nodes" | "verify";
export const PHASES: Phase[] = ["audit", "runtime", "persist", "services", "nodes", "verify"];

/** A call to one of the check_* functions of templates/shell/lib.sh.hbs. */
export interface Check {
  fn: CheckFn;
  args: string[];
  /** Only true once this phase has been applied: verify.sh PHASE skips it for other phases. */
  phase?: Phase;
}
export type CheckFn =
  | "check_vlan" | "check_addr" | "check_admin_up" | "check_route" | "check_sysctl" | "check_unit"
  | "check_link_absent" | "check_file_absent" | "check_reachable" | "check_route_to"
  // namespace checks (templates/shell/lib-netns.hbs), included only in scripts that use them
  | "check_netns" | "check_ns_sysctl" | "check_ns_up" | "check_ns_addr" | "check_bridge_port" | "check_ovs_port"
  | "check_ns_route" | "check_ns_nft" | "check_ns_iptables" | "check_ns_reachable" | "check_default_via"
  // failover (templates/shell/lib-ha.hbs), included only in scripts that use them
  | "check_file" | "check_unit_file" | "check_secret_file" | "check_cluster_resource";

export type { Gate, GateKind, HostGate } from "./gates.js";

/** A consequential change with its verification and inverse written side by side. */
export interface Step {
  id: string;
  host: string;
  phase: Phase;
  title: string; // what it changes, for REVIEW.md
  apply: Action[];
  verify: Check[];
  inverse: Action[];
}

/** A file of out/<site>/, at its path there. */
export interface Artifact { path: string; content: string; mode: GitMode }

export interface Decision { host: string; key: string; value: string; subject: string; reason: string }

export interface Contribution {
  gates?: HostGate[];
  steps?: Step[];
  checks?: Array<Check & { host: string; title: string }>;
  artifacts?: Artifact[];
  decisions?: Decision[];
}

export interface Plan {
  gates: HostGate[];
  steps: Step[];
  checks: Array<Check & { host: string; title: string }>;
  artifacts: Artifact[];
  decisions: Decision[];
}
