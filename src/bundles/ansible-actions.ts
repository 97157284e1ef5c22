// Plan actions and checks as Ansible tasks: the Ansible twin of shell-lines.ts. Install becomes
// ansible.builtin.copy from the host's already generated files/, Remove becomes ansible.builtin.file,
// systemctl becomes ansible.builtin.systemd_service (reloads that follow a file change become
// handlers), every other Run becomes ansible.builtin.command with argv. Anything that has no faithful
// translation is refused with an error, never dropped.
import type { Action, Artifact, Check, Run, Secret } from "../plan/types.js";
import { shq } from "../render/shell-quote.js";
import { commandArgs, literal, shown, taskName } from "./ansible-words.js";

export type Task = Record<string, unknown>;

/** Where a list of actions is rendered: its registered variables and the conditions every Run meets. */
export interface Scope {
  host: string;
  /** Prefix of registered variables, e.g. sitegen_step2 or sitegen_undo2. */
  reg: string;
  /** Conditions every Run must also meet, e.g. the step's probe failed. */
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

/** In check mode a unit installed by this run exists only as a predicted copy: systemd cannot know it yet. */
const CHECK_MODE_UNITS = { ignore_errors: "{{ ansible_check_mode }}" };

const SYSTEMCTL_STATE: Record<string, string> = { start: "started", stop: "stopped", restart: "restarted", reload: "reloaded" };

/** systemctl VERB [--now] UNIT as systemd_service arguments; an unknown form is an error. */
function systemctlArgs(argv: string[]): Record<string, unknown> {
  const [, verb, ...rest] = argv;
  const now = rest[0] === "--now";
  const unit = now ? rest[1] : rest[0];
  const fits = rest.length === (now ? 2 : 1) && unit !== undefined;
  if (verb === "daemon-reload" && rest.length === 0) return { daemon_reload: true };
  if ((verb === "enable" || verb === "disable") && fits) {
    const enabled = verb === "enable";
    return { name: unit, enabled, ...(now ? { state: enabled ? "started" : "stopped" } : {}) };
  }
  if (verb && SYSTEMCTL_STATE[verb] && !now && fits) return { name: unit, state: SYSTEMCTL_STATE[verb] };
  throw new Error(`ansible bundle: no translation for ${argv.join(" ")}; add one to src/bundles/ansible-actions.ts`);
}

/** args/<host>/ file names for long words: the registered-variable name without its prefix. */
const fileBase = (reg: string) => reg.replace(/^sitegen_/, "");

const isSystemctl = (argv: string[]) => argv[0] === "systemctl";

/** Reloads and restarts of a unit, and daemon-reload: run because files changed, so handlers. */
function handlerName(argv: string[]): string | undefined {
  if (!isSystemctl(argv)) return undefined;
  if (argv[1] === "daemon-reload" && argv.length === 2) return "Reload the systemd manager configuration";
  if ((argv[1] === "reload" || argv[1] === "restart") && argv.length === 3) return `${argv[1] === "reload" ? "Reload" : "Restart"} ${argv[2]}`;
  return undefined;
}

/** For each action: the handler it becomes (an unguarded reload after a file action of the same list), or undefined. */
function handlerPositions(actions: Action[]): Array<string | undefined> {
  return actions.map((a, i) => (a.kind === "run" && !a.unless && !a.onlyIf && !a.mayFail && actions.slice(0, i).some((b) => b.kind !== "run")
    ? handlerName(a.argv) : undefined));
}

function handlerTask(argv: string[]): Task {
  return { name: handlerName(argv), "ansible.builtin.systemd_service": systemctlArgs(argv), ...(argv[2] ? CHECK_MODE_UNITS : {}) };
}


/** A read-only probe for an unless/onlyIf guard, and the condition under which the guarded action runs. */
function guard(argv: string[], reg: string, runIfOk: boolean, scope: Scope): { probe: Task; cond: string } {
  const when = scope.when;
  if (isSystemctl(argv)) {
    const [, verb, unit, ...rest] = argv;
    if (verb !== "cat" || !unit?.endsWith(".service") || rest.length) {
      throw new Error(`ansible bundle: no translation for the guard ${argv.join(" ")}`);
    }
    const probe = { name: `Probe: is ${unit} installed? (read-only)`, "ansible.builtin.service_facts": {}, ...whenOf(when) };
    return { probe, cond: `${runIfOk ? "" : "not "}'${unit}' in ansible_facts.services` };
  }
  const probe = {
    name: taskName(`Probe: ${shown(argv)} (read-only)`), "ansible.builtin.command": commandArgs(argv, scope.host, fileBase(reg), scope.files),
    register: reg, changed_when: false, failed_when: false, check_mode: false, ...whenOf(when),
  };
  return { probe, cond: `${reg}.rc ${runIfOk ? "==" : "!="} 0` };
}

function runTasks(a: Run, i: number, scope: Scope): Task[] {
  const out: Task[] = [];
  const when = [...scope.when];
  const g = a.unless ?? a.onlyIf;
  if (g) {
    const { probe, cond } = guard(g, `${scope.reg}_guard${i}`, a.onlyIf !== undefined, scope);
    out.push(probe);
    when.push(cond);
  }
  const cond = whenOf(when);
  if (isSystemctl(a.argv)) {
    if (a.mayFail) throw new Error(`ansible bundle: no translation for a systemctl that may fail: ${a.argv.join(" ")}`);
    out.push({ name: `Run ${shown(a.argv)}`, "ansible.builtin.systemd_service": systemctlArgs(a.argv), ...cond, ...CHECK_MODE_UNITS });
    return out;
  }
  const name = taskName(`Run ${shown(a.argv)}${a.mayFail ? " (may fail)" : ""}`);
  const command = { "ansible.builtin.command": commandArgs(a.argv, scope.host, fileBase(`${scope.reg}_run${i}`), scope.files) };
  if (a.mayFail) {
    const reg = `${scope.reg}_run${i}`;
    out.push({ name, ...command, register: reg, changed_when: `${reg}.rc == 0`, failed_when: false, ...cond });
  } else {
    // It runs only when its step (or its guard) says the change is missing, so it changes something.
    out.push({ name, ...command, changed_when: true, ...cond });
  }
  return out;
}

function fileTask(a: Action, host: string, notify: string[]): Task {
  const n = notify.length ? { notify } : {};
  if (a.kind === "install") {
    const copy = { src: `{{ sitegen_out }}/hosts/${host}/files${literal(a.dest)}`, dest: `{{ sitegen_prefix }}${a.dest}`, owner: "root", group: "root", mode: a.mode };
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
      "ansible.builtin.assert": { that: [`${v} is defined`, `${v} is string`, `${v} is match('${a.pattern.replace(/'/g, "")}')`], fail_msg: `${v} (an Ansible vault variable) is not set or does not match ${a.pattern}: ${a.why}`, quiet: true },
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

/**
 * The tasks for one action list, in order. File actions always run (copy and file are idempotent and
 * report changes honestly); Runs meet scope.when. A reload or restart that follows file actions in the
 * same list becomes a handler they notify, flushed at its place so the order of the plan holds; a
 * restarted or reloaded unit is also started when the step is needed, changed files or not.
 */
export function actionTasks(actions: Action[], scope: Scope): Task[] {
  const handlerAt = handlerPositions(actions);
  const out: Task[] = [];
  actions.forEach((a, i) => {
    if (a.kind === "secret") {
      out.push(...secretTasks(a, handlerAt.filter((h, j): h is string => h !== undefined && j > i)));
    } else if (a.kind !== "run") {
      out.push(fileTask(a, scope.host, handlerAt.filter((h, j): h is string => h !== undefined && j > i)));
    } else if (handlerAt[i]) {
      out.push({ name: `Flush handlers: ${handlerAt[i]} if a file above changed`, "ansible.builtin.meta": "flush_handlers" });
      const unit = a.argv[2];
      // The step's checks failed: the unit must run even if no file changed (started is a no-op after a restart).
      if (unit) out.push({ name: `Make sure ${unit} is running`, "ansible.builtin.systemd_service": { name: unit, state: "started" }, ...whenOf(scope.when), ...CHECK_MODE_UNITS });
    } else {
      out.push(...runTasks(a, i, scope));
    }
  });
  return out;
}

/** Every handler the action lists need, once each, in first-use order. */
export function handlersFor(lists: Action[][]): Task[] {
  const seen = new Map<string, Task>();
  for (const actions of lists) {
    handlerPositions(actions).forEach((name, i) => {
      const a = actions[i]!;
      if (name && a.kind === "run" && !seen.has(name)) seen.set(name, handlerTask(a.argv));
    });
  }
  return [...seen.values()];
}
