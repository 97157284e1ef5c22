// What a step does, as a small closed set of kinds. Bundles render each kind (a shell line, an
// Ansible module, a REVIEW.md command) and never parse a command line to learn what it meant.
//
// Rooting: files under /etc are read and written below $SITEGEN_ROOT (tests point it elsewhere).
// Install, Remove and Secret always act there; a Cmd's word does only when it is a Path; Unit and
// Netplan act on the live service manager and netplan, which have no root of their own.

import type { Rated } from "./disruption.js";

/** File modes sitegen installs with. Files in out/ are 0644 or 0755 only: git keeps no other mode. */
export type FileMode = 0o644 | 0o600 | 0o755;
export type GitMode = 0o644 | 0o755;
export const modeText = (m: FileMode): string => `0${m.toString(8)}`;

/** A file path in a command, rooted at $SITEGEN_ROOT like installed files. */
export interface Path { path: string }
export type Word = string | Path;
export const isPath = (w: Word): w is Path => typeof w !== "string";
/** The words as they read on the real host (the root is empty there). */
export const plainWords = (argv: Word[]): string[] => argv.map((w) => (isPath(w) ? w.path : w));

/** A read-only question whose answer guards an action: a command's exit status, or a unit's presence. */
export type Probe = { kind: "cmd"; argv: Word[] } | { kind: "unit-installed"; unit: string };

/**
 * A command run as argv; unless/onlyIf make running it twice safe; mayFail ignores its failure.
 * `disrupts` states what a program sitegen ships does to the live host, which the classifier
 * (plan/disruption.ts) cannot read from its words.
 */
export interface Cmd { kind: "cmd"; argv: Word[]; unless?: Probe; onlyIf?: Probe; mayFail?: boolean; disrupts?: Rated }

export type UnitVerb = "enable" | "disable" | "restart" | "reload";
/**
 * A systemd manager operation. `now` starts (enable) or stops (disable) the unit too; onlyIfInstalled
 * skips it when the unit file is gone (an inverse that must be safe when nothing was applied).
 */
export type Unit =
  | { kind: "unit"; verb: "daemon-reload" }
  | { kind: "unit"; verb: UnitVerb; unit: string; now?: boolean; onlyIfInstalled?: boolean };

/** netplan generate (check the merged configuration) or netplan apply (make it live). */
export interface Netplan { kind: "netplan"; verb: "generate" | "apply" }

/** Copy hosts/<host>/files<dest> to dest, with this mode. */
export interface Install { kind: "install"; dest: string; mode: FileMode }
export interface Remove { kind: "remove"; dest: string }
/**
 * Write a secret to dest, mode 0600, as prefix + value + newline. The value is never in out/: Ansible
 * takes it from the variable `name` (a vault variable), apply.sh from the environment variable of the
 * same name. It must match `pattern` (why says what needs that).
 */
export interface Secret { kind: "secret"; dest: string; name: string; prefix: string; pattern: string; why: string }

export type Action = Cmd | Unit | Netplan | Install | Remove | Secret;

/** A command, optionally guarded. */
export const cmd = (argv: Word[], guard: Omit<Cmd, "kind" | "argv"> = {}): Cmd => ({ kind: "cmd", argv, ...guard });
/** A guard probe that runs a read-only command. */
export const probe = (...argv: Word[]): Probe => ({ kind: "cmd", argv });
/** A guard that holds while a file sitegen installed is there (rooted like installs). */
export const fileThere = (path: string): Probe => probe("test", "-f", { path });
export const daemonReload: Unit = { kind: "unit", verb: "daemon-reload" };
export const unitOp = (verb: UnitVerb, unit: string, opts: { now?: boolean; onlyIfInstalled?: boolean } = {}): Unit =>
  ({ kind: "unit", verb, unit, ...opts });
export const netplan = (verb: Netplan["verb"]): Netplan => ({ kind: "netplan", verb });

/** systemctl's argv for a unit operation: how the shell bundle and REVIEW.md spell it. */
export function unitArgv(u: Unit): string[] {
  if (u.verb === "daemon-reload") return ["systemctl", "daemon-reload"];
  // reload: reload a running unit (its ExecReload), start a stopped one, as Ansible's state=reloaded does
  if (u.verb === "reload") return ["systemctl", "reload-or-restart", u.unit];
  return ["systemctl", u.verb, ...(u.now ? ["--now"] : []), u.unit];
}

/** A Unit's guard as a command probe (systemctl cat succeeds when the unit file exists). */
export const unitGuard = (u: Unit): Probe | undefined =>
  u.verb !== "daemon-reload" && u.onlyIfInstalled ? { kind: "unit-installed", unit: u.unit } : undefined;

export const probeArgv = (p: Probe): Word[] => (p.kind === "cmd" ? p.argv : ["systemctl", "cat", p.unit]);
