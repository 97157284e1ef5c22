// A host's steps as data for the generic role (host_vars/<host>.yml): each step's number, phase,
// title and its apply and inverse as kind-tagged actions (its checks are host.sh's: `host.sh check N`).
// The role's task files are the same for every host, so hosts that are at the same step and action kind
// run each task together.
import { modeText, plainWords, type Action, type Unit } from "../plan/actions.js";
import { checkCall } from "../plan/checks.js";
import { commandOf, type Command } from "../render/commands.js";
import type { Artifact, Check, Step } from "../plan/types.js";
import { shq } from "../render/shell-quote.js";
import { handlerPositions, systemdArgs } from "./ansible-units.js";
import { commandArgs, literal, shown, taskName } from "./ansible-words.js";

export type Data = Record<string, unknown>;

/** A step's checks as shell lines, one check a line (as in host.sh's final checks), for checks.sh. */
export const checkLines = (checks: readonly Check[]): string[] => checks.map((c) => checkCall(c).map(literal).map(shq).join(" "));

/** Where a list of actions is rendered: args/<host>/<base>-<word>.txt names long words. */
interface Scope {
  host: string;
  base: string;
  files: Artifact[];
}

/** A guard: its probe command and which answer lets the action run. */
function guardData(kind: string, c: Command, scope: Scope): Data {
  const p = c.unless ?? c.onlyIf;
  if (!p) return { kind };
  const argv = commandArgs(p, scope.host, `${scope.base}_guard`, scope.files).argv;
  return { kind: `${kind}-probe`, guard: { argv, run_if: c.onlyIf !== undefined ? "ok" : "failed" } };
}

/** A command as the role's action-cmd task file reads it. */
function cmdData(c: Command, scope: Scope): Data {
  const { kind, ...guard } = guardData("cmd", c, scope);
  return {
    kind,
    shown: taskName(shown(plainWords(c.argv))),
    argv: commandArgs(c.argv, scope.host, scope.base, scope.files).argv,
    ...(c.mayFail ? { may_fail: true } : {}),
    ...guard,
  };
}

/** A unit operation through ansible.builtin.systemd_service (its guard, if any, asked with systemctl cat). */
function unitData(u: Unit, scope: Scope): Data {
  const c = commandOf(u);
  const { kind, ...guard } = guardData("unit", c, scope);
  return { kind, shown: shown(plainWords(c.argv)), op: systemdArgs(u), ...(c.mayFail ? { may_fail: true } : {}), ...guard };
}

/** A handler's place: the unit operations from here to the end of the list run if a file above changed. */
function flushData(actions: readonly Action[], i: number, handlerAt: Array<string | undefined>): Data {
  const ops = actions.flatMap((a, j) => (j >= i && handlerAt[j] && a.kind === "unit" ? [{ label: handlerAt[j], ...systemdArgs(a) }] : []));
  const u = actions[i] as Unit;
  return u.verb === "daemon-reload" ? { kind: "flush", shown: handlerAt[i], ops } : { kind: "flush-start", shown: handlerAt[i], ops, ensure: u.unit };
}

/** A file action; kind <kind>-notify when a unit operation follows it in the list (the role's handler). */
function fileData(a: Action, notify: boolean): Data {
  const kind = (k: string) => (notify ? `${k}-notify` : k);
  if (a.kind === "install") return { kind: kind("install"), dest: literal(a.dest), mode: modeText(a.mode), src: literal(a.src) };
  if (a.kind === "remove") return { kind: kind("remove"), dest: literal(a.dest) };
  if (a.kind === "secret") {
    const secret = { var: literal(a.name), prefix: literal(a.prefix), pattern: a.pattern.replace(/'/g, ""), why: literal(a.why) };
    return { kind: kind("secret"), dest: literal(a.dest), ...secret };
  }
  throw new Error("not a file action");
}

/** An action list as data, in order; a reload after a file change of the same list is a flush of the role's handler. */
export function actionsData(actions: readonly Action[], scope: Scope): Data[] {
  const handlerAt = handlerPositions(actions);
  const later = (i: number) => handlerAt.some((h, j) => h !== undefined && j > i);
  return actions.map((a, i) => {
    const s = { ...scope, base: `${scope.base}${i}` };
    switch (a.kind) {
      case "install":
      case "remove":
      case "secret":
        return fileData(a, later(i));
      case "unit":
        return handlerAt[i] ? flushData(actions, i, handlerAt) : unitData(a, s);
      default:
        return cmdData(commandOf(a), s);
    }
  });
}

/** The host's steps as the role reads them. */
export function stepsData(host: string, steps: readonly Step[], files: Artifact[]): Data[] {
  return steps.map((s, i) => ({
    n: i + 1,
    id: literal(s.id),
    phase: s.phase,
    title: literal(taskName(s.title)),
    apply: actionsData(s.apply, { host, base: `step${i + 1}_apply`, files }),
    inverse: actionsData(s.inverse, { host, base: `step${i + 1}_undo`, files }),
  }));
}
