// Plan actions and checks as shell lines; the script templates only place them.
import { modeText, plainWords, type Action, type Word } from "../plan/actions.js";
import { checkCall, type Check } from "../plan/checks.js";
import { commandOf, type Command } from "./commands.js";
import { shq, shWords } from "./shell-quote.js";

/** A word of a command: a Path is rooted at $root (lib.sh's copy of $SITEGEN_ROOT). */
const scriptWords = (argv: readonly Word[]) => argv.map((w) => (typeof w === "string" ? shq(w) : `"$root"${shq(w.path)}`)).join(" ");

/** How a probe is asked silently: lib.sh's `quiet`, or plain redirection for a human. */
const inScript = (p: Word[]) => `quiet ${scriptWords(p)}`;
const byHand = (p: Word[]) => `${shWords(plainWords(p))} >/dev/null 2>&1`;

/** A command behind its guard (a command that may fail may fail behind its guard too). */
function guarded(cmd: string, g: Command, ask: (p: Word[]) => string): string {
  const c = g.mayFail ? `${cmd} || true` : cmd;
  if (g.unless) return `if ! ${ask(g.unless)}; then ${c}; fi`;
  if (g.onlyIf) return `if ${ask(g.onlyIf)}; then ${c}; fi`;
  return c;
}

/** One action as a shell command (with its idempotence guard), as a human would read it. */
export function actionText(a: Action): string {
  switch (a.kind) {
    case "install":
      return `install_file ${shq(a.dest)} ${modeText(a.mode)} ${shq(a.src)}`;
    case "remove":
      return `remove_file ${shq(a.dest)}`;
    case "secret": {
      // the prefix is literal text (keepalived's $NAME=): a directive keeps shellcheck from reading it as an expansion
      const directive = a.prefix.includes("$") ? "# shellcheck disable=SC2016 # literal $ in the prefix\n  " : "";
      return `${directive}install_secret ${shWords([a.dest, a.name, a.prefix, a.pattern])}`;
    }
    default: {
      const c = commandOf(a);
      return guarded(`run ${scriptWords(c.argv)}`, c, inScript);
    }
  }
}

/** Inside a step function: any failure returns from the step (set -e does not apply under `if`). */
export const actionLine = (a: Action): string => `${actionText(a)} || return 1`;

export const checkLine = (c: Check): string => shWords(checkCall(c));

/** The command an operator would type, without the scripts' helpers, for REVIEW.md. */
export function plainText(a: Action): string {
  switch (a.kind) {
    case "install":
      return `install -D -m ${modeText(a.mode)} files/${a.src} ${a.dest}`;
    case "remove":
      return `rm -f ${a.dest}`;
    case "secret":
      return `(umask 077; printf '%s%s\\n' ${shq(a.prefix)} "$${a.name}" > ${a.dest})  # $${a.name}: the Ansible vault variable's value, ${a.why}`;
    // the real root on the host: Path words as they are
    default: {
      const c = commandOf(a);
      return guarded(shWords(plainWords(c.argv)), c, byHand);
    }
  }
}
