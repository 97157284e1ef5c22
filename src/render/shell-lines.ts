// Plan actions and checks as shell lines; the script templates only place them.
import { modeText, plainWords, probeArgv, unitArgv, unitGuard, type Action, type Probe, type Word } from "../plan/actions.js";
import type { Check } from "../plan/types.js";
import { shq, shWords } from "./shell-quote.js";

/** A word of a command: a Path is rooted at $root (lib.sh's copy of $SITEGEN_ROOT). */
const scriptWords = (argv: Word[]) => argv.map((w) => (typeof w === "string" ? shq(w) : `"$root"${shq(w.path)}`)).join(" ");

type Guard = { unless?: Probe; onlyIf?: Probe; mayFail?: boolean };
/** How a probe is asked silently: lib.sh's `quiet`, or plain redirection for a human. */
const inScript = (p: Probe) => `quiet ${scriptWords(probeArgv(p))}`;
const byHand = (p: Probe) => `${shWords(plainWords(probeArgv(p)))} >/dev/null 2>&1`;

/** A command behind its guard (a command that may fail may fail behind its guard too). */
function guarded(cmd: string, g: Guard, ask: (p: Probe) => string): string {
  const c = g.mayFail ? `${cmd} || true` : cmd;
  if (g.unless) return `if ! ${ask(g.unless)}; then ${c}; fi`;
  if (g.onlyIf) return `if ${ask(g.onlyIf)}; then ${c}; fi`;
  return c;
}

/** One action as a shell command (with its idempotence guard), as a human would read it. */
export function actionText(a: Action): string {
  switch (a.kind) {
    case "install": return `install_file ${shq(a.dest)} ${modeText(a.mode)}`;
    case "remove": return `remove_file ${shq(a.dest)}`;
    case "secret": {
      // the prefix is literal text (keepalived's $NAME=): a directive keeps shellcheck from reading it as an expansion
      const directive = a.prefix.includes("$") ? "# shellcheck disable=SC2016 # literal $ in the prefix\n  " : "";
      return `${directive}install_secret ${shWords([a.dest, a.name, a.prefix, a.pattern])}`;
    }
    case "cmd": return guarded(`run ${scriptWords(a.argv)}`, a, inScript);
    case "unit": return guarded(`run ${shWords(unitArgv(a))}`, { onlyIf: unitGuard(a) }, inScript);
    case "netplan": return `run netplan ${a.verb}`;
  }
}

/** Inside a step function: any failure returns from the step (set -e does not apply under `if`). */
export const actionLine = (a: Action): string => `${actionText(a)} || return 1`;

export const checkLine = (c: Check): string => `${c.fn} ${shWords(c.args)}`;

/** The command an operator would type, without the scripts' helpers, for REVIEW.md. */
export function plainText(a: Action): string {
  switch (a.kind) {
    case "install": return `install -D -m ${modeText(a.mode)} files${a.dest} ${a.dest}`;
    case "remove": return `rm -f ${a.dest}`;
    case "secret": return `(umask 077; printf '%s%s\\n' ${shq(a.prefix)} "$${a.name}" > ${a.dest})  # $${a.name}: the Ansible vault variable's value, ${a.why}`;
    // the real root on the host: Path words as they are
    case "cmd": return guarded(shWords(plainWords(a.argv)), a, byHand);
    case "unit": return guarded(shWords(unitArgv(a)), { onlyIf: unitGuard(a) }, byHand);
    case "netplan": return `netplan ${a.verb}`;
  }
}
