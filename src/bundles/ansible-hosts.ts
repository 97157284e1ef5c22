// Per-host task files: tasks/<host>-apply.yml (every step with checkpoint rollback, then the host's
// verify) and tasks/<host>-rollback.yml (every inverse, newest first). apply.yml and rollback.yml
// include the file of each host, so every host runs its own plan in parallel.
import type { Artifact, Step } from "../plan/types.js";
import { actionTasks, CHECKS_CMD, checkLines, type Task } from "./ansible-actions.js";
import { taskName } from "./ansible-words.js";

/** A step: mark it started, probe (its own checks, read-only), apply what is missing, verify. */
function stepBlock(s: Step, n: number, total: number, host: string, files: Artifact[]): Task {
  const reg = `sitegen_step${n}`;
  return {
    name: taskName(`Step ${n}/${total} (${s.phase}): ${s.title}`),
    tags: [s.phase],
    vars: { sitegen_check_lines: checkLines(s.verify) },
    block: [
      { name: `Mark step ${n} as started (a failure from here on undoes it)`, "ansible.builtin.set_fact": { sitegen_started: `{{ (sitegen_started | default([])) + [${n}] }}` } },
      {
        name: `Probe step ${n}: do its checks already pass? (read-only)`, "ansible.builtin.command": { cmd: CHECKS_CMD },
        register: reg, changed_when: false, failed_when: false, check_mode: false,
      },
      ...actionTasks(s.apply, { host, reg, when: [`${reg}.rc != 0`], files }),
      { name: `Verify step ${n}`, "ansible.builtin.command": { cmd: CHECKS_CMD }, changed_when: false, when: "not ansible_check_mode" },
    ],
  };
}

/**
 * The inverse of a step; a failure is recorded and the older inverses still run (as rollback.sh does).
 * The apply's rescue includes the same file with sitegen_undo_started_only, to undo only the steps it started.
 */
function undoBlock(s: Step, n: number, host: string, files: Artifact[]): Task {
  return {
    name: taskName(`Undo step ${n} (${s.phase}): ${s.title}`),
    tags: [s.phase],
    when: `not (sitegen_undo_started_only | default(false)) or ${n} in (sitegen_started | default([]))`,
    block: actionTasks(s.inverse, { host, reg: `sitegen_undo${n}`, when: [], files }),
    rescue: [{ name: `Record that undoing step ${n} failed (the older steps are still undone)`, "ansible.builtin.set_fact": { sitegen_undo_failed: `{{ (sitegen_undo_failed | default([])) + [${n}] }}` } }],
  };
}

const verifyTask = (host: string): Task => ({
  name: `Verify host ${host} (verify.sh: every check of the plan, read-only)`,
  "ansible.builtin.command": { argv: ["bash", "{{ sitegen_stage.path }}/verify.sh"] },
  changed_when: false, when: "not ansible_check_mode", tags: ["verify"],
});

export function hostApplyTasks(host: string, steps: Step[], files: Artifact[]): Task[] {
  if (!steps.length) return [verifyTask(host)];
  return [{
    name: `Apply the ${steps.length} step(s) of ${host} with checkpoint rollback, then verify`,
    block: [...steps.map((s, i) => stepBlock(s, i + 1, steps.length, host, files)), verifyTask(host)],
    rescue: [
      {
        name: "Remember which task failed (undoing may fail tasks of its own)",
        "ansible.builtin.set_fact": { sitegen_failed: "{{ ansible_failed_task.name | default('a task') }}" },
        tags: ["always"],
      },
      {
        name: "Undo the steps started in this run, newest first (tasks/<host>-rollback.yml)",
        "ansible.builtin.include_tasks": { file: `tasks/${host}-rollback.yml` },
        vars: { sitegen_undo_started_only: true },
        tags: ["always"],
      },
      {
        name: "Fail: the change was rolled back",
        "ansible.builtin.fail": { msg: `{{ sitegen_failed }} failed on ${host}; the steps started in this run were undone, newest first. Fix the cause, regenerate, review, and approve again.` },
        tags: ["always"],
      },
    ],
  }];
}

export function hostRollbackTasks(host: string, steps: Step[], files: Artifact[]): Task[] {
  if (!steps.length) return [{ name: `Nothing to roll back on ${host} (the plan changes nothing there)`, "ansible.builtin.debug": { msg: "no steps" } }];
  return [
    ...[...steps].map((s, i) => undoBlock(s, i + 1, host, files)).reverse(),
    {
      name: `Check that every inverse on ${host} succeeded`,
      "ansible.builtin.assert": {
        that: "sitegen_undo_failed is not defined",
        fail_msg: `rollback incomplete on ${host}: undoing step(s) {{ sitegen_undo_failed | default([]) | join(', ') }} failed (see above); finish by hand`,
        success_msg: `${host}: every step undone`,
      },
      tags: ["always"],
    },
  ];
}
