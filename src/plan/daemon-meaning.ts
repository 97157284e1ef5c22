// What a daemon's files mean to it, as data on its services step, so that a transition can tell a
// change the daemon never notices (a comment, a peer named in a comment) from one it can take live
// (a reload) and one it must be restarted for. Pure; the transition (src/transition/daemon-change.ts)
// compares two versions of a step with it.
import type { UnitServes } from "./actions.js";

/**
 * How a file's meaning is read, without the text that its reader ignores:
 * - hash-comments: keepalived, conntrackd, dnsmasq, chrony: `#` (and `!`, `;` where the reader takes
 *   them) start a comment; blank lines and indentation carry nothing;
 * - systemd-unit: `#` and `;` start a comment only at the beginning of a line.
 */
export type Syntax = "hash-comments" | "systemd-unit";

/** When the daemon reads a file: at start (its config), on each use (a script it runs), or it is the unit systemd reads. */
export type FileRole = "config" | "runs-each-time" | "unit";

export interface DaemonFile {
  readonly dest: string;
  readonly role: FileRole;
  readonly syntax?: Syntax;
  readonly comment?: string;
}

/**
 * A daemon's services step, as a transition needs it: its unit, its files, and whether it rereads its
 * config live (`reload`: the unit's ExecReload makes it, e.g. keepalived on SIGHUP) or only at start.
 * `byCluster`: Pacemaker starts the unit, so only a change of none of its files' meaning is taken in place.
 */
export interface DaemonChange {
  readonly unit: string;
  readonly files: readonly DaemonFile[];
  readonly live: "reload" | "restart";
  readonly byCluster: boolean;
  /** What the unit keeps alive: the in-place restart or reload is rated by it (keepalived's: the VIPs). */
  readonly serves?: UnitServes;
}

/** The lines that carry meaning: comments and blank lines dropped, whitespace runs made one space. */
export function meaning(text: string, syntax: Syntax, comment = "#"): string {
  const starts = syntax === "systemd-unit" ? ["#", ";"] : [...comment];
  const strip = (line: string) => {
    if (syntax === "systemd-unit") return starts.some((c) => line.trimStart().startsWith(c)) ? "" : line;
    // a comment character starts a comment at the beginning of a line or after whitespace (not inside a word)
    const at = [...line].findIndex((ch, i) => starts.includes(ch) && (i === 0 || /\s/.test(line[i - 1]!)));
    return at < 0 ? line : line.slice(0, at);
  };
  return text
    .split("\n")
    .map((l) => strip(l).trim().replace(/\s+/g, " "))
    .filter(Boolean)
    .join("\n");
}

/**
 * A unit's settings that the running daemon was started with, so a change needs a restart: all but the
 * ones systemd only shows (Description=, Documentation=) or reads when it reloads (ExecReload=); those
 * take effect with a daemon-reload.
 */
const NOT_FOR_THE_PROCESS = ["Description=", "Documentation=", "ExecReload="];
export const unitRestartMeaning = (text: string): string =>
  meaning(text, "systemd-unit")
    .split("\n")
    .filter((l) => !NOT_FOR_THE_PROCESS.some((k) => l.startsWith(k)))
    .join("\n");
