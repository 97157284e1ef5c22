// The plan: what every target contributes, before any bundle renders it.
import type { Action, GitMode } from "./actions.js";
import type { DaemonChange } from "./daemon-meaning.js";
import type { HostGate } from "./gates.js";
import { CHECKS, type Check } from "./checks.js";

export type { Action } from "./actions.js";

/** Apply order. services: daemons and their configs; nodes: configs handed to other machines. */
export type Phase = "audit" | "runtime" | "persist" | "services" | "nodes" | "verify";
export const PHASES: Phase[] = ["audit", "runtime", "persist", "services", "nodes", "verify"];

/**
 * The check_* functions, in the order lib.sh defines them; each is templates/shell/lib/<fn>.hbs, and a
 * host's lib.sh carries only the ones its plan calls.
 */
export const CHECK_FNS: readonly string[] = Object.values(CHECKS).map((d) => d.fn);

export type { Check, CheckKind, CheckParams } from "./checks.js";

export type { Gate, GateKind, HostGate } from "./gates.js";

/** A consequential change with its verification and inverse written side by side. */
export interface Step {
  readonly id: string;
  readonly host: string;
  readonly phase: Phase;
  readonly title: string; // what it changes, for REVIEW.md
  readonly apply: readonly Action[];
  readonly verify: readonly Check[];
  readonly inverse: readonly Action[];
  /** A daemon's services step: which of its files mean what to it (a transition updates it in place). */
  readonly daemon?: DaemonChange;
}

/** A file of out/<site>/, at its path there. */
export interface Artifact {
  readonly path: string;
  readonly content: string;
  readonly mode: GitMode;
}

export interface Decision {
  readonly host: string;
  readonly key: string;
  readonly value: string;
  readonly subject: string;
  readonly reason: string;
}

/** A check of the final verify (host.sh verify, REVIEW.md's Phase 4), grouped under its title. */
export type FinalCheck = Check & { readonly host: string; readonly title: string };
/**
 * A check the final verify runs besides the steps' own: a precondition (`before` them, e.g. forwarding)
 * or what something else holds (a router's gateway, a node's route).
 */
export type ExtraCheck = FinalCheck & { readonly before?: boolean };
/** The final verify runs step `step`'s checks again, on its host, under `title`. */
export interface Reverify {
  readonly host: string;
  readonly step: string;
  readonly title: string;
}

/** A section of REVIEW.md about the site, after its tables (e.g. a router's failover), written from a target's template. */
export type SiteText = string;

/** A line of a host's REVIEW.md, under "Notes" or "Tests after apply"; targets write it from templates/review/. */
export interface HostText {
  readonly host: string;
  readonly text: string;
}

export interface Contribution {
  readonly gates?: readonly HostGate[];
  readonly steps?: readonly Step[];
  readonly checks?: readonly ExtraCheck[];
  readonly reverify?: readonly Reverify[];
  readonly artifacts?: readonly Artifact[];
  readonly decisions?: readonly Decision[];
  readonly notes?: readonly HostText[];
  readonly tests?: readonly HostText[];
  readonly sections?: readonly SiteText[];
}

export interface Plan {
  readonly gates: readonly HostGate[];
  readonly steps: readonly Step[];
  /** The final verify: the extras before, the reverified steps' checks (each once), the other extras. */
  readonly checks: readonly FinalCheck[];
  readonly artifacts: readonly Artifact[];
  readonly decisions: readonly Decision[];
  readonly notes: readonly HostText[];
  readonly tests: readonly HostText[];
  readonly sections: readonly SiteText[];
}

/** A plan (or part of one) while a function builds it: its lists are mutable there, readonly once it returns them. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer E> ? E[] : T[K] };
