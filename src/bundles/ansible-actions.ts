// Plan actions and checks as Ansible tasks: the Ansible twin of shell-lines.ts, by the action's kind.
// Install becomes ansible.builtin.copy from the host's already generated files/, Remove becomes
// ansible.builtin.file, a Unit operation ansible.builtin.systemd_service (reloads that follow a file
// change become handlers), a Cmd or Netplan call ansible.builtin.command with argv.
import { modeText, plainWords, unitArgv, unitGuard, type Action, type Cmd, type Netplan, type Probe, type Secret, type Unit } from "../plan/actions.js";
import type { Artifact, Check } from "../plan/types.js";
import { shq } from "../render/shell-quote.js";
import { CHECK_MODE_UNITS, handlerPositions, systemdArgs, unitOf } from "./ansible-units.js";
import { commandArgs, literal, shown, taskName, type Task } from "./ansible-words.js";

export type { Task } from "./ansible-words.js";
export { handlersFor } from "./ansible-units.js";

/** Where a list of actions is rendered: its registered variables and the conditions every change meets. */
export interface Scope {
  host: string;
  /** Prefix of registered variables, e.g. sitegen_step2 or sitegen_undo2. */
  reg: string;
  /** Conditions every command must also meet, e.g. the step's probe failed. */
  when: string[];
  /** Collects the files that long argv words are written to (see commandArgs). */
  files: Artifact[];
}

/** checks.sh (staged beside hosts/<host>/lib.sh) with the checks as arguments, `--` between them. */
export const CHECKS_CMD = "bash {{ sitegen_stage.path }}/checks.sh {{ sitegen_check_lines | join(' -- ') }}";

/** A step's checks as shell lines, one check a line (as in verify.sh), for sitegen_check_lines. */
export const checkLines = (checks: Check[]): string[] => checks.map((c) => [c.fn, ...c.args.map(literal)].map(shq).join(" "));

/** One condition as a string, several as a list (all must hold), none as nothing. */
export const whenOf = (conds: string[]): Task => (conds.length === 0 ? {} : { when: conds.length === 1 ? conds[0] : conds });

/** args/<host>/ file names for long words: the registered-variable name without its prefix. */
const fileBase = (reg: string) => reg.replace(/^sitegen_/, "");

/** A read-only probe for a guard, and the condition under which the guarded action runs. */
function guard(p: Probe, reg: string, runIfOk: boolean, scope: Scope): { probe: Task; cond: string } {
  if (p.kind === "unit-installed") {
    const probe = { name: `Probe: is ${p.unit} installed? (read-only)`, "ansible.builtin.service_facts": {}, ...whenOf(scope.when) };
    return { probe, cond: `${runIfOk ? "" : "not "}'${p.unit}' in ansible_facts.services` };
  }
  const probe = {
    name: taskName(`Probe: ${shown(p.argv)} (read-only)`), "ansible.builtin.command": commandArgs(p.argv, scope.host, fileBase(reg), scope.files),
    register: reg, changed_when: false, failed_when: false, check_mode: false, ...whenOf(scope.when),
  };
  return { probe, cond: `${reg}.rc ${runIfOk ? "==" : "!="} 0` };
}

/** The guard's probe (if any) and the conditions the action then meets. */
function guarded(g: { unless?: Probe; onlyIf?: Probe }, i: number, scope: Scope): { probes: Task[]; when: Task } {
  const p = g.unless ?? g.onlyIf;
  if (!p) return { probes: [], when: whenOf(scope.when) };
  const { probe, cond } = guard(p, `${scope.reg}_guard${i}`, g.onlyIf !== undefined, scope);
  return { probes: [probe], when: whenOf([...scope.when, cond]) };
}

function unitTasks(u: Unit, i: number, scope: Scope): Task[] {
  const { probes, when } = guarded({ onlyIf: unitGuard(u) }, i, scope);
  return [...probes, { name: `Run ${shown(unitArgv(u))}`, "ansible.builtin.systemd_service": systemdArgs(u), ...when, ...CHECK_MODE_UNITS }];
}

function cmdTasks(a: Cmd | Netplan, i: number, scope: Scope): Task[] {
  const c: Cmd = a.kind === "netplan" ? { kind: "cmd", argv: ["netplan", a.verb] } : a;
  const { probes, when } = guarded(c, i, scope);
  const name = taskName(`Run ${shown(plainWords(c.argv))}${c.mayFail ? " (may fail)" : ""}`);
  const reg = `${scope.reg}_run${i}`;
  const command = { "ansible.builtin.command": commandArgs(c.argv, scope.host, fileBase(reg), scope.files) };
  // Unguarded, it runs only when its step's checks say the change is missing, so it changes something.
  const result = c.mayFail ? { register: reg, changed_when: `${reg}.rc == 0`, failed_when: false } : { changed_when: true };
  return [...probes, { name, ...command, ...result, ...when }];
}

function fileTask(a: Action, host: string, notify: string[]): Task {
  const n = notify.length ? { notify } : {};
  if (a.kind === "install") {
    const copy = { src: `{{ sitegen_out }}/hosts/${host}/files${literal(a.dest)}`, dest: `{{ sitegen_prefix }}${a.dest}`, owner: "root", group: "root", mode: modeText(a.mode) };
    return { name: `Install ${a.dest}`, "ansible.builtin.copy": copy, ...n };
  }
  if (a.kind === "remove") return { name: `Remove ${a.dest}`, "ansible.builtin.file": { path: `{{ sitegen_prefix }}${literal(a.dest)}`, state: "absent" }, ...n };
  throw new Error("not a file action");
}

/** A secret from a (vault) variable: checked, then written 0600; neither task logs the value. */
function secretTasks(a: Secret, notify: string[]): Task[] {
  const v = literal(a.name);
  return [
    {
      name: `Check that ${v} is set and fits (${a.why})`,
      "ansible.builtin.assert": {
        that: [`${v} is defined`, `${v} is string`, `${v} is match('${a.pattern.replace(/'/g, "")}')`],
        fail_msg: `${v} (an Ansible vault variable) is not set or does not match ${a.pattern}: ${a.why}`, quiet: true,
      },
      no_log: true,
    },
    {
      name: `Write ${a.dest} (mode 0600) from ${v}`,
      "ansible.builtin.copy": { content: `${literal(a.prefix)}{{ ${v} }}\n`, dest: `{{ sitegen_prefix }}${literal(a.dest)}`, owner: "root", group: "root", mode: "0600" },
      no_log: true,
      ...(notify.length ? { notify } : {}),
    },
  ];
}

/** A handler's place in the list: flush it there, and start its unit when the step is needed, changed files or not. */
function flushTasks(name: string, u: Unit, scope: Scope): Task[] {
  const unit = unitOf(u);
  return [
    { name: `Flush handlers: ${name} if a file above changed`, "ansible.builtin.meta": "flush_handlers" },
    // The step's checks failed: the unit must run even if no file changed (started is a no-op after a restart).
    ...(unit ? [{ name: `Make sure ${unit} is running`, "ansible.builtin.systemd_service": { name: unit, state: "started" }, ...whenOf(scope.when), ...CHECK_MODE_UNITS }] : []),
  ];
}

/**
 * The tasks for one action list, in order. File actions always run (copy and file are idempotent and
 * report changes honestly); commands meet scope.when. A reload or restart that follows file actions in
 * the same list becomes a handler they notify, flushed at its place so the order of the plan holds.
 */
export function actionTasks(actions: Action[], scope: Scope): Task[] {
  const handlerAt = handlerPositions(actions);
  const later = (i: number) => handlerAt.filter((h, j): h is string => h !== undefined && j > i);
  return actions.flatMap((a, i): Task[] => {
    const handler = handlerAt[i];
    switch (a.kind) {
      case "secret": return secretTasks(a, later(i));
      case "install": case "remove": return [fileTask(a, scope.host, later(i))];
      case "unit": return handler ? flushTasks(handler, a, scope) : unitTasks(a, i, scope);
      case "cmd": case "netplan": return cmdTasks(a, i, scope);
    }
  });
}
