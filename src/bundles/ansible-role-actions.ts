// The role's task file per action kind (roles/sitegen_host/tasks/action-<kind>.yml) and its one
// handler. A step includes action-<kind>.yml once per action, with the action's data as
// sitegen_action; hosts at the same action of the same kind share the include and run it together.
// sitegen_needed says whether commands and unit operations run: the step's checks failed (apply), or
// always (undo). File actions always run: copy and file are idempotent and report changes honestly.
import { stopIfCut } from "./ansible-confirm.js";
import { rawLine, type Task } from "./ansible-words.js";

export const HANDLER = "Run the unit operations that follow the changed files";
const A = "sitegen_action";
/** In check mode a unit installed by this run exists only as a predicted copy: systemd cannot know it yet. */
const CHECK_MODE_UNITS = { ignore_errors: "{{ ansible_check_mode }}" };
const READ_ONLY = { changed_when: false, failed_when: false, check_mode: false };
/** systemd_service arguments from an operation in the data (name, enabled, state, daemon_reload). */
const unitArgs = (v: string) => Object.fromEntries(["name", "enabled", "state", "daemon_reload"].map((k) => [k, `{{ ${v}.${k} | default(omit) }}`]));

/** argv as one shell line for ansible.builtin.raw (no Python on the host): every word quoted. */
const rawArgv = (argv: string) => rawLine(`{{ ${argv} | map('quote') | join(' ') }}`);

/** The guard's probe: a read-only command (systemctl cat asks whether a unit is installed). */
const PROBE: Task = {
  name: "Probe the action's guard (read-only)",
  "ansible.builtin.raw": rawArgv(`${A}.guard.argv`),
  register: "sitegen_guard",
  ...READ_ONLY,
  when: "sitegen_needed",
};
/** The action runs when its step needs it and, if guarded, its probe gave the answer it runs on. */
const runWhen = (guarded: boolean) =>
  guarded ? { when: ["sitegen_needed", `(sitegen_guard.rc == 0) == (${A}.guard.run_if == 'ok')`] } : { when: "sitegen_needed" };

function cmdTasks(guarded: boolean): Task[] {
  return [
    ...(guarded ? [PROBE] : []),
    {
      name: `Run {{ ${A}.shown }}`,
      "ansible.builtin.raw": rawArgv(`${A}.argv`),
      register: "sitegen_run",
      // Unguarded, it runs only when its step's checks say the change is missing, so it changes something.
      changed_when: "sitegen_run.rc == 0",
      failed_when: `sitegen_run.rc != 0 and not (${A}.may_fail | default(false))`,
      ...runWhen(guarded),
    },
    stopIfCut("sitegen_run"),
  ];
}

function unitTasks(guarded: boolean): Task[] {
  // a unit operation that may fail (a node's time daemon during the give-back) goes on past its failure
  const ignore = { ignore_errors: `{{ ansible_check_mode or (${A}.may_fail | default(false)) }}` };
  return [
    ...(guarded ? [PROBE] : []),
    {
      name: `Run {{ ${A}.shown }}`,
      "ansible.builtin.systemd_service": unitArgs(`${A}.op`),
      register: "sitegen_run",
      ...runWhen(guarded),
      ...ignore,
    },
    stopIfCut("sitegen_run"),
  ];
}

/** A handler's place: flush it there, and start its unit when the step is needed, changed files or not. */
function flushTasks(ensure: boolean): Task[] {
  return [
    { name: "Name the unit operations the handler runs if a file above changed", "ansible.builtin.set_fact": { sitegen_handler_ops: `{{ ${A}.ops }}` } },
    { name: "Flush handlers: run them now if a file above changed", "ansible.builtin.meta": "flush_handlers" },
    // The step's checks failed: the unit must run even if no file changed (started is a no-op after a restart).
    ...(ensure
      ? [
          {
            name: "Make sure the unit is running",
            "ansible.builtin.systemd_service": { name: `{{ ${A}.ensure }}`, state: "started" },
            register: "sitegen_run",
            when: "sitegen_needed",
            ...CHECK_MODE_UNITS,
          },
          stopIfCut("sitegen_run"),
        ]
      : []),
  ];
}

/** A file task as it is, or notifying the handler (a unit operation follows it in the list: kind <kind>-notify). */
const notifying = (task: Task, notify: boolean): Task => (notify ? { ...task, notify: [HANDLER] } : task);

const DEST = `{{ sitegen_prefix }}{{ ${A}.dest }}`;
/** copy needs the folder; like install -D in host.sh apply it is made if missing (and, like rm -f, left by the inverse). */
const FOLDER: Task = {
  name: `Make the file's folder if missing {{ ${A}.dest | dirname }}`,
  "ansible.builtin.file": { path: `{{ sitegen_prefix }}{{ ${A}.dest | dirname }}`, state: "directory", owner: "root", group: "root", mode: "0755" },
};

function installTasks(notify: boolean): Task[] {
  const src = `{{ sitegen_out }}/hosts/{{ inventory_hostname }}/files/{{ ${A}.src }}`;
  const copy = { src, dest: DEST, owner: "root", group: "root", mode: `{{ ${A}.mode }}` };
  return [FOLDER, notifying({ name: `Install {{ ${A}.dest }}`, "ansible.builtin.copy": copy }, notify)];
}

const removeTasks = (notify: boolean): Task[] => [
  notifying({ name: `Remove {{ ${A}.dest }}`, "ansible.builtin.file": { path: DEST, state: "absent" } }, notify),
];

/** A secret from a (vault) variable: checked, then written 0600; neither task logs the value. */
function secretTasks(notify: boolean): Task[] {
  const value = `lookup('ansible.builtin.vars', ${A}.var, default='')`;
  return [
    {
      name: "Check that the secret's variable is set and fits",
      "ansible.builtin.assert": {
        that: [`${value} is string`, `${value} | length > 0`, `${value} is match(${A}.pattern)`],
        fail_msg: `{{ ${A}.var }} (an Ansible vault variable) is not set or does not match {{ ${A}.pattern }}: {{ ${A}.why }}`,
        quiet: true,
      },
      no_log: true,
    },
    FOLDER,
    notifying(
      {
        name: `Write the secret (mode 0600) {{ ${A}.dest }}`,
        "ansible.builtin.copy": { content: `{{ ${A}.prefix }}{{ ${value} }}\n`, dest: DEST, owner: "root", group: "root", mode: "0600" },
        no_log: true,
      },
      notify,
    ),
  ];
}

/** roles/sitegen_host/tasks/action-<kind>.yml, by kind: a kind's variants are files of their own, so no task is always skipped. */
export const ACTION_FILES: Record<string, () => Task[]> = {
  cmd: () => cmdTasks(false),
  "cmd-probe": () => cmdTasks(true),
  unit: () => unitTasks(false),
  "unit-probe": () => unitTasks(true),
  flush: () => flushTasks(false),
  "flush-start": () => flushTasks(true),
  install: () => installTasks(false),
  "install-notify": () => installTasks(true),
  remove: () => removeTasks(false),
  "remove-notify": () => removeTasks(true),
  secret: () => secretTasks(false),
  "secret-notify": () => secretTasks(true),
};

/** roles/sitegen_host/handlers/main.yml: the unit operations named by the flush that follows the changed files. */
export const handlers = (): Task[] => [
  {
    name: HANDLER,
    "ansible.builtin.systemd_service": unitArgs("item"),
    loop: "{{ sitegen_handler_ops }}",
    loop_control: { label: "{{ item.label }}" },
    ...CHECK_MODE_UNITS,
  },
];
