// What a step does, as a closed set of typed kinds: each live operation sitegen performs is a kind with
// named fields. Bundles render each kind (a shell line, an Ansible task, a REVIEW.md command: the
// command lines are written once, in render/commands.ts); the disruption rating, transitions and drift
// read the kinds and fields, never a command's words.
//
// Rooting: files under /etc are read and written below $SITEGEN_ROOT (tests point it elsewhere).
// Install, Remove and Secret always act there, and so do the programs sitegen ships (their Path words);
// network operations, units and netplan act on the live kernel, service manager and netplan.

import type { Rated } from "./disruption.js";
import type { NetAction } from "./net-actions.js";

export type { NetAction } from "./net-actions.js";

/** File modes sitegen installs with. Files in out/ are 0644 or 0755 only: git keeps no other mode. */
export type FileMode = 0o644 | 0o600 | 0o755;
export type GitMode = 0o644 | 0o755;
export const modeText = (m: FileMode): string => `0${m.toString(8)}`;

/** A file path in a command, rooted at $SITEGEN_ROOT like installed files. */
export interface Path {
  readonly path: string;
}
export type Word = string | Path;
export const isPath = (w: Word): w is Path => typeof w !== "string";
/** The words as they read on the real host (the root is empty there). */
export const plainWords = (argv: readonly Word[]): string[] => argv.map((w) => (isPath(w) ? w.path : w));

/** A read-only question whose answer guards an action. */
export type Probe =
  | { readonly kind: "file"; readonly path: string } // a file sitegen installed is there (rooted like installs)
  | { readonly kind: "unit-installed"; readonly unit: string } // the unit file exists
  | { readonly kind: "unit-active"; readonly unit: string } // the unit runs (a daemon that may be another's on this host)
  | { readonly kind: "process"; readonly name: string } // a process of that name runs
  | { readonly kind: "link"; readonly link: string } // the host has a link of that name
  | { readonly kind: "unit-active"; readonly unit: string }; // the unit is active (running)

/**
 * A program sitegen ships (a script it installs) or a daemon's control tool, run as argv. What it does
 * to the live host cannot be read from its words, so it declares it: `effect`, the rating's input.
 * unless/onlyIf make running it twice safe; mayFail ignores its failure.
 */
export interface Program {
  readonly kind: "program";
  readonly argv: readonly Word[];
  readonly effect: Rated;
  readonly unless?: Probe;
  readonly onlyIf?: Probe;
  readonly mayFail?: boolean;
}

/**
 * What a unit sitegen installs keeps alive, so that stopping or restarting it is rated by what goes:
 * a gateway's oneshot (its start re-creates the link, its stop deletes it), a boot oneshot that replays
 * steps already applied and stops nothing, a router's VRRP instance (a start, stop or restart on a
 * member may move the VIPs), or a daemon that serves (DNS, NTP, state sync).
 */
export type UnitServes =
  | { readonly kind: "gateway"; readonly link: string; readonly addresses: readonly string[] }
  | { readonly kind: "replay"; readonly what: string }
  | { readonly kind: "vrrp"; readonly router: string; readonly vips: readonly string[] }
  | { readonly kind: "daemon"; readonly what: string };

export type UnitVerb = "enable" | "disable" | "restart" | "try-restart" | "reload";
/** How a unit operation is guarded and what it keeps alive. */
export interface UnitOpts {
  readonly now?: boolean;
  readonly onlyIfInstalled?: boolean;
  readonly onlyIfActive?: boolean;
  readonly mayFail?: boolean;
  readonly serves?: UnitServes;
}
/**
 * A systemd manager operation. `now` starts (enable) or stops (disable) the unit too; onlyIfInstalled
 * skips it when the unit file is gone (an inverse that must be safe when nothing was applied),
 * onlyIfActive when the unit does not run (a daemon of the node's that may be absent; of libvirtd and
 * virtnetworkd, the one that does not own the networks); mayFail goes on
 * past its failure.
 */
export type Unit =
  { readonly kind: "unit"; readonly verb: "daemon-reload" } | ({ readonly kind: "unit"; readonly verb: UnitVerb; readonly unit: string } & UnitOpts);

/** netplan generate (check the merged configuration) or netplan apply (make it live). */
export interface Netplan {
  readonly kind: "netplan";
  readonly verb: "generate" | "apply";
}

/**
 * A router's Pacemaker resources, created or deleted in one verified CIB push by the pacemaker.sh
 * sitegen installs at `script`; guarded by whether the cluster has `resource`.
 */
export interface Cluster {
  readonly kind: "cluster";
  readonly op: "create" | "delete";
  readonly router: string;
  readonly script: string;
  readonly resource: string;
  readonly vips: readonly string[];
}

/** Copy hosts/<host>/files/<src> to dest, with this mode (src: the copy's name there, plan/files.ts). */
export interface Install {
  readonly kind: "install";
  readonly dest: string;
  readonly mode: FileMode;
  readonly src: string;
}
export interface Remove {
  readonly kind: "remove";
  readonly dest: string;
}
/**
 * Write a secret to dest, mode 0600, as prefix + value + newline. The value is never in out/: Ansible
 * takes it from the variable `name` (a vault variable), host.sh apply from the environment variable of the
 * same name. It must match `pattern` (why says what needs that).
 */
export interface Secret {
  readonly kind: "secret";
  readonly dest: string;
  readonly name: string;
  readonly prefix: string;
  readonly pattern: string;
  readonly why: string;
}

export type Action = NetAction | Program | Unit | Netplan | Cluster | Install | Remove | Secret;

/** A program with its declared effect, optionally guarded. */
export const program = (argv: Word[], effect: Rated, guard: Pick<Program, "unless" | "onlyIf" | "mayFail"> = {}): Program => ({
  kind: "program",
  argv,
  effect,
  ...guard,
});
/** A guard that holds while a file sitegen installed is there (rooted like installs). */
export const fileThere = (path: string): Probe => ({ kind: "file", path });
export const daemonReload: Unit = { kind: "unit", verb: "daemon-reload" };
export const unitOp = (verb: UnitVerb, unit: string, opts: UnitOpts = {}): Unit => ({ kind: "unit", verb, unit, ...opts });
export const netplan = (verb: Netplan["verb"]): Netplan => ({ kind: "netplan", verb });

/** The action runs a file sitegen installed (below $SITEGEN_ROOT): a shipped program, or pacemaker.sh. */
export const readsInstalledFile = (a: Action): boolean => (a.kind === "program" && a.argv.some(isPath)) || a.kind === "cluster";
