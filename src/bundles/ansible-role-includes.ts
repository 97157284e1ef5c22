// How the role's task files loop: an include per step, by number (sitegen_step is its data in the
// included file), and an include per action of a step, through the file of the action's kind.
import type { Task } from "./ansible-words.js";

/** The steps of one phase (or those started), by number: `sitegen_step` is the step's data in the included file. */
export function includeSteps(file: string, name: string, loop: string, tags: string[]): Task {
  return {
    name,
    "ansible.builtin.include_tasks": { file, apply: { tags } },
    loop,
    loop_control: { loop_var: "sitegen_n" },
    vars: { sitegen_step: "{{ sitegen_steps[sitegen_n - 1] }}" },
    tags,
  };
}

export const ofPhase = (p: string, order = "") => `{{ sitegen_steps | selectattr('phase', 'equalto', '${p}') | map(attribute='n')${order} | list }}`;
export const STARTED_NEWEST_FIRST = "{{ sitegen_started | default([]) | reverse | list }}";

/**
 * Actions of a step, in order, each through action-<kind>.yml; sitegen_needed (a variable of the include, no
 * set_fact) says whether commands and unit operations run. A step that holds includes only its file actions
 * (and handler flushes), which always run: the host skips an include per command it would skip anyway.
 */
export const includeActions = (name: string, list: string, needed: string | boolean): Task => ({
  name,
  "ansible.builtin.include_tasks": { file: "action-{{ sitegen_action.kind }}.yml" },
  loop: list,
  loop_control: { loop_var: "sitegen_action", label: "{{ sitegen_action.kind }}" },
  vars: { sitegen_needed: needed },
});
export const NEEDED = "sitegen_probe.rc != 0";
export const FILES_ONLY = "rejectattr('kind', 'match', '^(cmd|unit)') | list";
