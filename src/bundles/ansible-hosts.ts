// Per-host task files: tasks/<host>-apply.yml (every step with checkpoint rollback, then the host's
// verify) and tasks/<host>-rollback.yml (every inverse, newest first). apply.yml and rollback.yml
// include the file of each host, so every host runs its own plan in parallel.
import type { Artifact, Step } from "../plan/types.js";
import { actionTasks, checksTask, type Task } from "./ansible-actions.js";
import { taskName } from "./ansible-words.js";

/** A step: mark it started, probe (its own checks, read-only), apply what is missing, verify. */
function stepBlock(s: Step, n: number, total: number, host: string, files: Artifact[]): Task {
  const reg = `sitegen_step${n}`;
  return {
    name: taskName(`Step ${n}/${total} (${s.phase}): ${s.title}`),
    tags: [s.phase],
    block: [
      { name: `Mark step ${n} as started (a failure from here on undoes it)`, "ansible.builtin.set_fact": { sitegen_started: `{{ (sitegen_started | default([])) + [${n}] }}` } },
      { ...checksTask(`Probe step ${n}: do its checks already pass? (read-only)`, s.verify), register: reg, changed_when: false, failed_when: false, check_mode: false },
      ...actionTasks(s.apply, { host, reg, when: [`${reg}.rc != 0`], files }),
      { ...checksTask(`Verify step ${n}`, s.verify), changed_when: false, when: "not ansible_check_mode" },
    ],
  };
}

/** The inverse of a step; a failure is recorded and the older inverses still run (as rollback.sh does). */
function undoBlock(s: Step, n: number, host: string, onlyIfStarted: boolean, files: Artifact[]): Task {
  return {
    name: taskName(`Undo step ${n} (${s.phase}): ${s.title}`),
    tags: [s.phase],
    ...(onlyIfStarted ? { when: `${n} in (sitegen_started | default([]))` } : {}),
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
  const undo = [...steps].map((s, i) => undoBlock(s, i + 1, host, true, files)).reverse();
  return [{
    name: `Apply the ${steps.length} step(s) of ${host} with checkpoint rollback, then verify`,
    block: [...steps.map((s, i) => stepBlock(s, i + 1, steps.length, host, files)), verifyTask(host)],
    rescue: [
      ...undo,
      {
        name: "Fail: the change was rolled back",
        "ansible.builtin.fail": { msg: `{{ sitegen_failed }} failed on ${host}; {{ sitegen_undone }} Fix the cause, regenerate, review, and approve again.` },
        vars: {
          sitegen_failed: "{{ ansible_failed_task.name | default('a task') }}",
          sitegen_undone: "the inverses of the steps started in this run ran, newest first{{ sitegen_incomplete if sitegen_undo_failed is defined else '' }}.",
          sitegen_incomplete: ", but undoing step(s) {{ sitegen_undo_failed | default([]) | join(', ') }} failed: finish by hand (see REVIEW.md)",
        },
        tags: ["always"],
      },
    ],
  }];
}

export function hostRollbackTasks(host: string, steps: Step[], files: Artifact[]): Task[] {
  if (!steps.length) return [{ name: `Nothing to roll back on ${host} (the plan changes nothing there)`, "ansible.builtin.debug": { msg: "no steps" } }];
  return [
    ...[...steps].map((s, i) => undoBlock(s, i + 1, host, false, files)).reverse(),
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
