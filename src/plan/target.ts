// What a target is to the plan: it reads the resolved Site and contributes gates, steps, checks and
// files. The plan builds from a list of them (plan/build.ts); the targets themselves are above it.
import type { Contribution } from "./types.js";
import type { Site } from "../resolve/site.js";

/**
 * The real programs that check a target's files (test/unit/targets/checker-coverage.test.ts holds every file a
 * target writes to one of these, and the checker suites run them): a new target names its own.
 */
export type CheckerKind =
  | "shellcheck"
  | "systemd-analyze"
  | "netplan"
  | "dnsmasq"
  | "chronyd"
  | "ntpd"
  | "keepalived"
  | "conntrackd"
  | "pcs"
  | "cloud-init"
  | "nft"
  | "resolver"
  | "python";

/** One row of the registry: a target reads the resolved Site and contributes gates, steps, checks and files. */
export interface Target {
  name: string;
  /** One line for `gen targets` and the README. */
  summary: string;
  /** The checkers its files go through; empty when it writes no file of its own. */
  checkedBy: CheckerKind[];
  plan(site: Site): Contribution;
}
