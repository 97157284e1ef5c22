// The role's task file per action kind (roles/sitegen_host/tasks/action-<kind>.yml) and its one
// handler. A step includes action-<kind>.yml once per action, with the action's data as
// sitegen_action; hosts at the same action of the same kind share the include and run it together.
// sitegen_needed says whether commands and unit operations run: the step's checks failed (apply), or
// always (undo). File actions always run: copy and file are idempotent and report changes honestly.
import type { Task } from "./ansible-words.js";

export const HANDLER = "Run the unit operations that follow the changed files";
const A = "sitegen_action";
/** In check mode a unit installed by this run exists only as a predicted copy: systemd cannot know it yet. */
const CHECK_MODE_UNITS = { ignore_errors: "{{ ansible_check_mode }}" };
const READ_ONLY = { changed_when: false, failed_when: false, check_mode: false };
/** systemd_service arguments from an operation in the data (name, enabled, state, daemon_reload). */
const unitArgs = (v: string) => Object.fromEntries(["name", "enabled", "state", "daemon_reload"].map((k) => [k, `{{ ${v}.${k} | default(omit) }}`]));

/** The action's guard passes: none, or its probe's answer is the one the action runs on (sitegen_guard_ok below). */
const GUARD_PASSES = `${A}.guard is not defined or (sitegen_guard_ok | bool) == (${A}.guard.run_if == 'ok')`;
const GUARD_OK = { sitegen_guard_ok: `{{ sitegen_guard.rc == 0 if ${A}.guard.argv is defined else ${A}.guard.unit in ansible_facts.services }}` };

const guardProbes = (): Task[] => [
  {
    name: "Probe the action's guard (read-only)", "ansible.builtin.command": { argv: `{{ ${A}.guard.argv }}` },
    register: "sitegen_guard", ...READ_ONLY, when: ["sitegen_needed", `${A}.guard.argv is defined`],
  },
  { name: "Probe the action's guard: is its unit installed? (read-only)", "ansible.builtin.service_facts": {}, when: ["sitegen_needed", `${A}.guard.unit is defined`] },
];

function cmdTasks(): Task[] {
  return [...guardProbes(), {
    name: `Run {{ ${A}.shown }}`,
    "ansible.builtin.command": { argv: `{{ ${A}.argv }}` },
    register: "sitegen_run",
    // Unguarded, it runs only when its step's checks say the change is missing, so it changes something.
    changed_when: "sitegen_run.rc == 0",
    failed_when: `sitegen_run.rc != 0 and not (${A}.may_fail | default(false))`,
    when: ["sitegen_needed", GUARD_PASSES], vars: GUARD_OK,
  }];
}

function unitTasks(): Task[] {
  return [guardProbes()[1]!, {
    name: `Run {{ ${A}.shown }}`, "ansible.builtin.systemd_service": unitArgs(`${A}.op`), when: ["sitegen_needed", GUARD_PASSES], vars: GUARD_OK, ...CHECK_MODE_UNITS,
  }];
}

/** A handler's place: flush it there, and start its unit when the step is needed, changed files or not. */
function flushTasks(): Task[] {
  return [
    { name: "Name the unit operations the handler runs if a file above changed", "ansible.builtin.set_fact": { sitegen_handler_ops: `{{ ${A}.ops }}` } },
    { name: "Flush handlers: run them now if a file above changed", "ansible.builtin.meta": "flush_handlers" },
    // The step's checks failed: the unit must run even if no file changed (started is a no-op after a restart).
    {
      name: "Make sure the unit is running", "ansible.builtin.systemd_service": { name: `{{ ${A}.ensure }}`, state: "started" },
      when: ["sitegen_needed", `${A}.ensure is defined`], ...CHECK_MODE_UNITS,
    },
  ];
}

/** A file task twice: notifying the handler (a unit operation follows it in the list) or not. */
function notifying(task: Task): Task[] {
  return [
    { ...task, notify: [HANDLER], when: `${A}.notify | default(false)` },
    { ...task, name: (task.name as string).replace(/^(\S+)/, "$1 (nothing follows to notify)"), when: `not (${A}.notify | default(false))` },
  ];
}

const DEST = `{{ sitegen_prefix }}{{ ${A}.dest }}`;

function installTasks(): Task[] {
  const copy = { src: `{{ sitegen_out }}/hosts/{{ inventory_hostname }}/files{{ ${A}.dest }}`, dest: DEST, owner: "root", group: "root", mode: `{{ ${A}.mode }}` };
  return notifying({ name: `Install {{ ${A}.dest }}`, "ansible.builtin.copy": copy });
}

const removeTasks = (): Task[] => notifying({ name: `Remove {{ ${A}.dest }}`, "ansible.builtin.file": { path: DEST, state: "absent" } });

/** A secret from a (vault) variable: checked, then written 0600; neither task logs the value. */
function secretTasks(): Task[] {
  const value = `lookup('ansible.builtin.vars', ${A}.var, default='')`;
  return [
    {
      name: "Check that the secret's variable is set and fits",
      "ansible.builtin.assert": {
        that: [`${value} is string`, `${value} | length > 0`, `${value} is match(${A}.pattern)`],
        fail_msg: `{{ ${A}.var }} (an Ansible vault variable) is not set or does not match {{ ${A}.pattern }}: {{ ${A}.why }}`, quiet: true,
      },
      no_log: true,
    },
    ...notifying({
      name: `Write the secret (mode 0600) {{ ${A}.dest }}`,
      "ansible.builtin.copy": { content: `{{ ${A}.prefix }}{{ ${value} }}\n`, dest: DEST, owner: "root", group: "root", mode: "0600" },
      no_log: true,
    }),
  ];
}

/** roles/sitegen_host/tasks/action-<kind>.yml, by kind. */
export const ACTION_FILES: Record<string, () => Task[]> = {
  cmd: cmdTasks, unit: unitTasks, flush: flushTasks, install: installTasks, remove: removeTasks, secret: secretTasks,
};

/** roles/sitegen_host/handlers/main.yml: the unit operations named by the flush that follows the changed files. */
export const handlers = (): Task[] => [{
  name: HANDLER,
  "ansible.builtin.systemd_service": unitArgs("item"),
  loop: "{{ sitegen_handler_ops }}",
  loop_control: { label: "{{ item.label }}" },
  ...CHECK_MODE_UNITS,
}];
