// The generic role roles/sitegen_host: one task list for every host, driven by the host's data
// (host_vars/<host>.yml: sitegen_steps, sitegen_serves). Entry points (tasks_from): audit, apply,
// rollback, serves, batch, verify. Steps are included by number and their actions in order, each
// through the file of its kind, so the hosts at the same step and action kind share one include
// and Ansible runs its tasks on all of them at once (under forks), instead of host after host.
import { KEEP_UNREACHABLE, armTasks, confirmTasks, journalTasks, rescueTasks, revertedFail, undoneTask } from "./ansible-confirm.js";
import { ACTION_FILES, handlers } from "./ansible-role-actions.js";
import { FILES_ONLY, NEEDED, STARTED_NEWEST_FIRST, includeActions, includeSteps, ofPhase } from "./ansible-role-includes.js";
import { ROOT_ENVIRONMENT, rawLine, type Task } from "./ansible-words.js";

/** Tags of the phases that change hosts, in apply order. */
export const CHANGING = ["runtime", "persist", "services", "nodes"];
/** Scratch space: made and removed in every run, --check and any --tags included. */
const SCRATCH = { changed_when: false, check_mode: false, tags: ["always"] };
const ALWAYS = { tags: ["always"] };

/** checks.sh (staged beside the engine's lib.sh) with the checks as arguments, `--` between them. */
export const CHECKS_CMD = "bash {{ sitegen_stage.path }}/checks.sh {{ sitegen_check_lines | join(' -- ') }}";
/** A step's checks, as host.sh holds them (verify_N), for ansible.builtin.raw (rawLine): host_vars does not restate them. */
const CHECKS_RAW = rawLine("bash {{ sitegen_stage.path | quote }}/host.sh check {{ sitegen_step.n }}");

/**
 * The host's host.sh: its audit, its final verify and its confirm (which arms the revert, a copy of host.sh
 * kept with the run on the host). From the engine (out/engine/), staged beside it: the library it sources,
 * and the checks' runner.
 */
const STAGED = ["{{ sitegen_engine }}/lib.sh", "{{ sitegen_engine }}/checks.sh", "{{ sitegen_out }}/hosts/{{ inventory_hostname }}/host.sh"];

/**
 * Makes the scratch folder and writes the staged files into it in one command (one module call
 * instead of a tempfile and a copy per file): stdin carries each file as "name base64" on a line.
 */
const STAGE_SH =
  'd=$(mktemp -d "${TMPDIR:-/tmp}/sitegen-XXXXXXXX") && while read -r f b; do printf %s "$b" | base64 -d > "$d/$f"; done' +
  ' && chmod 0755 "$d"/* && echo "$d"';
const STAGE_IN = "{% for f in sitegen_stage_files %}{{ f | basename }} {{ lookup('ansible.builtin.file', f, rstrip=false) | b64encode }}\n{% endfor %}";

/** Tasks that run from a scratch copy of hosts/<host>/host.sh (plus the engine's lib.sh and checks.sh), removed at the end. */
export function staged(name: string, tasks: Task[]): Task {
  return {
    name,
    block: [
      {
        name: "Make a scratch folder with this host's host.sh (and lib.sh and checks.sh from the engine)",
        "ansible.builtin.command": { argv: ["bash", "-c", STAGE_SH], stdin: STAGE_IN, stdin_add_newline: false },
        vars: { sitegen_stage_files: STAGED },
        register: "sitegen_staged",
        ...SCRATCH,
      },
      { name: "Remember the scratch folder", "ansible.builtin.set_fact": { sitegen_stage: { path: "{{ sitegen_staged.stdout }}" } }, tags: ["always"] },
      ...tasks,
    ],
    always: [
      {
        name: "Remove the scratch folder",
        "ansible.builtin.file": { path: "{{ sitegen_stage.path }}", state: "absent" },
        ...SCRATCH,
        when: ["sitegen_staged.stdout is defined", "sitegen_stage.path is defined"],
      },
    ],
  };
}

/** tasks/step.yml: mark it started (the one place a step starts), probe (read-only), journal, apply what is missing, verify. */
const stepFile = (): Task[] => [
  {
    name: "Mark the step as started (a failure from here on undoes it)",
    "ansible.builtin.set_fact": { sitegen_started: "{{ (sitegen_started | default([])) + [sitegen_n] }}" },
  },
  {
    name: "Probe the step: do its checks already pass? (read-only)",
    "ansible.builtin.raw": CHECKS_RAW,
    register: "sitegen_probe",
    changed_when: false,
    failed_when: false,
    check_mode: false,
  },
  // a needed step is journaled before its first action when a revert is armed (ansible-confirm.ts)
  { name: "Journal the step if it is needed and a revert is armed", vars: { sitegen_needed: `{{ ${NEEDED} }}` }, block: journalTasks() },
  includeActions(
    "Apply the step's actions in order (only its files and handlers if its checks pass)",
    `{{ sitegen_step.apply if ${NEEDED} else sitegen_step.apply | ${FILES_ONLY} }}`,
    `{{ ${NEEDED} }}`,
  ),
  { name: "Verify the step", "ansible.builtin.raw": CHECKS_RAW, changed_when: false, when: "not ansible_check_mode" },
];

/** tasks/undo.yml: the inverse of a step; a failure is recorded and the older inverses still run (as host.sh rollback does). */
const undoFile = (): Task[] => [
  {
    name: "Undo the step (its inverse, as host.sh rollback runs it)",
    block: [includeActions("Undo the step's actions in order (every command of the inverse runs)", "{{ sitegen_step.inverse }}", true)],
    rescue: [
      {
        name: "Record that undoing the step failed (the older steps are still undone)",
        "ansible.builtin.set_fact": { sitegen_undo_failed: "{{ (sitegen_undo_failed | default([])) + [sitegen_n] }}" },
      },
    ],
  },
];

/** host.sh verify; the plays that change hosts give it their root (they set no play-wide environment: see rawLine). */
const verifyTask = (root = false): Task => ({
  name: "Verify the host (host.sh verify: every check of the plan, read-only)",
  "ansible.builtin.command": { argv: ["bash", "{{ sitegen_stage.path }}/host.sh", "verify"] },
  ...(root ? ROOT_ENVIRONMENT : {}),
  changed_when: false,
  when: "not ansible_check_mode",
  tags: ["verify"],
});

const auditRanTask = (): Task => ({
  name: "Require a passing audit on this host in this run (do not skip the audit tag)",
  "ansible.builtin.assert": {
    that: "sitegen_audit_passed | default(false)",
    fail_msg: "the audit did not run on {{ inventory_hostname }} in this run: run it, do not skip it",
  },
  tags: CHANGING,
});

const NOT_HELD = "not (sitegen_hold_failure | default(false))";
const REVERTED = "sitegen_reverted | default(false)";
const NOT_REVERTED = `not (${REVERTED})`;
const FAILED_MSG =
  "{{ sitegen_failed }} failed on {{ inventory_hostname }}; the steps started in this run were undone, newest first." +
  " Fix the cause, regenerate, review, and approve again.";

/** tasks/apply.yml: every step of the host with checkpoint rollback, then host.sh verify. */
function applyFile(): Task[] {
  const rescue: Task[] = [
    {
      name: "Remember which step and task failed (undoing may fail tasks of its own)",
      "ansible.builtin.set_fact": {
        sitegen_apply_failed: true,
        sitegen_failed: "{{ sitegen_in_step }}({{ ansible_failed_task.name | default('a task') }}: {{ ansible_failed_result.msg | default('') }})",
      },
      vars: { sitegen_in_step: "{{ ('Step ' ~ sitegen_started[-1] ~ ' ') if sitegen_started | default([]) else '' }}" },
      ...ALWAYS,
    },
    ...rescueTasks(),
    // also after the host reverted on its own: a session that only stalled may have gone on applying after the revert
    { ...includeSteps("undo.yml", "Undo the steps started in this run, newest first", STARTED_NEWEST_FIRST, ["always"]) },
    undoneTask(),
    { name: "Fail: the change was rolled back", "ansible.builtin.fail": { msg: FAILED_MSG }, when: [NOT_HELD, NOT_REVERTED], ...ALWAYS },
    { name: "Fail: the host reverted the change", ...revertedFail(), when: [NOT_HELD, REVERTED], ...ALWAYS },
  ];
  const steps = CHANGING.map((p) => includeSteps("step.yml", `Apply the ${p} steps`, ofPhase(p), [p]));
  return [
    staged("Run from a scratch copy of this host's host.sh", [
      auditRanTask(),
      ...armTasks(CHANGING),
      {
        name: "Apply this host's steps with checkpoint rollback, then verify (and confirm, if armed)",
        ...KEEP_UNREACHABLE,
        block: [...steps, verifyTask(true), ...confirmTasks()],
        rescue,
      },
    ]),
  ];
}

/** tasks/rollback.yml: every inverse, newest first, then a check that all of them succeeded. */
const rollbackFile = (): Task[] => [
  ...[...CHANGING].reverse().map((p) => includeSteps("undo.yml", `Undo the ${p} steps, newest first`, ofPhase(p, " | reverse"), [p])),
  {
    name: "Check that every inverse on this host succeeded",
    "ansible.builtin.assert": {
      that: "sitegen_undo_failed is not defined",
      fail_msg:
        "rollback incomplete on {{ inventory_hostname }}: undoing step(s) {{ sitegen_undo_failed | default([]) | join(', ') }} failed" +
        " (see above); finish by hand",
      success_msg: "{{ inventory_hostname }}: every step undone",
    },
    ...ALWAYS,
  },
];

/** tasks/batch.yml: after a rolling batch of nodes, a failure of any of them rolls the whole batch back. */
const batchFile = (): Task[] => {
  const failed = "ansible_play_batch | map('extract', hostvars) | selectattr('sitegen_apply_failed', 'defined') | map(attribute='inventory_hostname') | list";
  return [
    { name: "Find the nodes of this batch that failed", "ansible.builtin.set_fact": { sitegen_batch_failed: `{{ ${failed} }}` }, ...ALWAYS },
    {
      ...includeSteps("undo.yml", "Roll back this node too: a node of its batch failed (newest first)", STARTED_NEWEST_FIRST, ["always"]),
      when: ["sitegen_batch_failed | length > 0", "sitegen_apply_failed is not defined"],
    },
    {
      name: "Fail the batch: it was rolled back, later batches do not start",
      "ansible.builtin.fail": {
        msg: "batch rolled back: {{ sitegen_batch_failed | join(', ') }} failed ({{ hostvars[sitegen_batch_failed[0]].sitegen_failed }})",
      },
      when: "sitegen_batch_failed | length > 0",
      ...ALWAYS,
    },
  ];
};

/** The role's files (path below roles/sitegen_host/) and their task lists. */
export function roleFiles(serves: { tasks: Task[]; after: Task[] }, auditTasks: Task[]): Array<{ path: string; what: string; body: Task[] }> {
  return [
    {
      path: "tasks/audit.yml",
      what: "The audit (read-only), from a scratch copy of the host's scripts.",
      body: [staged("Run the audit from a scratch copy of this host's host.sh", auditTasks)],
    },
    {
      path: "tasks/apply.yml",
      body: applyFile(),
      what: "Apply this host's steps (sitegen_steps), phase by phase, with checkpoint rollback, then host.sh verify.",
    },
    { path: "tasks/step.yml", what: "One step (sitegen_step): probe, apply what is missing, verify.", body: stepFile() },
    { path: "tasks/undo.yml", what: "The inverse of one step (sitegen_step).", body: undoFile() },
    { path: "tasks/rollback.yml", what: "Every inverse of this host, newest first.", body: rollbackFile() },
    { path: "tasks/batch.yml", what: "Rolling batches: a failed node rolls its whole batch back.", body: batchFile() },
    {
      path: "tasks/serves.yml",
      what: "The gate before nodes change: the router serves (sitegen_serves).",
      body: [staged("Check from a scratch copy of this host's host.sh", serves.tasks), ...serves.after],
    },
    {
      path: "tasks/verify.yml",
      what: "host.sh verify: every check of the plan, read-only.",
      body: [staged("Verify from a scratch copy of this host's host.sh", [verifyTask()])],
    },
    ...Object.entries(ACTION_FILES).map(([kind, body]) => ({
      path: `tasks/action-${kind}.yml`,
      what: `One action of kind ${kind} (sitegen_action).`,
      body: body(),
    })),
    { path: "handlers/main.yml", what: "Unit operations that run because the files before them changed.", body: handlers() },
  ];
}
