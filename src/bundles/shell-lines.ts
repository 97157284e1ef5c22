// Plan actions and checks as shell lines; the script templates only place them.
import type { Action, Check } from "../plan/types.js";
import { shq, shWords } from "../render/shell-quote.js";

/** One action as a shell command (with its idempotence guard), as a human would read it. */
export function actionText(a: Action): string {
  switch (a.kind) {
    case "install": return `install_file ${shq(a.dest)} ${a.mode}`;
    case "remove": return `remove_file ${shq(a.dest)}`;
    // the prefix is literal text (keepalived's $NAME=): a directive keeps shellcheck from reading it as an expansion
    case "secret": return `${a.prefix.includes("$") ? "# shellcheck disable=SC2016 # literal $ in the prefix\n  " : ""}install_secret ${shWords([a.dest, a.name, a.prefix, a.pattern])}`;
    case "run": {
      const cmd = `run ${shWords(a.argv)}`;
      if (a.unless) return `if ! quiet ${shWords(a.unless)}; then ${cmd}; fi`;
      if (a.onlyIf) return `if quiet ${shWords(a.onlyIf)}; then ${cmd}; fi`;
      return a.mayFail ? `${cmd} || true` : cmd;
    }
  }
}

/** Inside a step function: any failure returns from the step (set -e does not apply under `if`). */
export const actionLine = (a: Action): string => `${actionText(a)} || return 1`;

export const checkLine = (c: Check): string => `${c.fn} ${shWords(c.args)}`;

/** The command an operator would type, without the scripts' helpers, for REVIEW.md. */
export function plainText(a: Action): string {
  switch (a.kind) {
    case "install": return `install -D -m ${a.mode} files${a.dest} ${a.dest}`;
    case "remove": return `rm -f ${a.dest}`;
    case "secret": return `(umask 077; printf '%s%s\\n' ${shq(a.prefix)} "$${a.name}" > ${a.dest})  # $${a.name}: the Ansible vault variable's value, ${a.why}`;
    case "run": {
      const cmd = shWords(a.argv);
      if (a.unless) return `if ! ${shWords(a.unless)} >/dev/null 2>&1; then ${cmd}; fi`;
      if (a.onlyIf) return `if ${shWords(a.onlyIf)} >/dev/null 2>&1; then ${cmd}; fi`;
      return a.mayFail ? `${cmd} || true` : cmd;
    }
  }
}
