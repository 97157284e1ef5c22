// The plays of apply.yml and rollback.yml, and the gates they enforce. The audit, the probes and the
// verify run from a scratch copy of hosts/<host>/ (its scripts source lib.sh beside them) that each
// play makes with tempfile and removes at its end: scratch space, not a change to the host, so it is
// also made in --check mode.
import type { Plan } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { handlersFor, type Task } from "./ansible-actions.js";

/** Tags of the phases that change hosts: the gates run whenever one of them is selected. */
const CHANGING = ["runtime", "persist", "services", "nodes"];
/** Scratch space: made and removed in every run, --check and any --tags included. */
const SCRATCH = { changed_when: false, check_mode: false, tags: ["always"] };

export const groupName = (site: Site) => `site_${site.name.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** One task, however many files: every file manifest.json lists must have its sha256 (the token covers the manifest). */
function integrityTask(): Task {
  return {
    name: "Check that every generated file is the one manifest.json lists (tampering ends the run)",
    "ansible.builtin.assert": {
      that: "sitegen_actual == sitegen_files | map(attribute='sha256') | list",
      fail_msg: "{{ sitegen_tampered }}differs from manifest.json: regenerate (gen --site {{ sitegen_site }}) and review again",
      quiet: true,
    },
    vars: {
      sitegen_files: "{{ (lookup('ansible.builtin.file', sitegen_manifest) | from_json).files }}",
      sitegen_paths: "{{ sitegen_files | map(attribute='path') | map('regex_replace', '^', sitegen_out ~ '/') | list }}",
      sitegen_actual: "{{ query('ansible.builtin.file', *sitegen_paths, rstrip=false) | map('hash', 'sha256') | list }}",
      sitegen_tampered: "{% for f in sitegen_files %}{% if sitegen_actual[loop.index0] != f.sha256 %}{{ f.path }} {% endif %}{% endfor %}",
    },
    run_once: true,
    tags: ["always"],
  };
}

function approvalTask(what: string, action: string): Task {
  return {
    name: `Require the approval of exactly this output before ${what}`,
    "ansible.builtin.assert": {
      that: "(approve | default('')) == sitegen_token",
      fail_msg: "{{ sitegen_stale if approve is defined else sitegen_not_approved }} {{ sitegen_howto }} {{ sitegen_howto_cmd }}",
      success_msg: "approved: {{ sitegen_token }}",
    },
    vars: { sitegen_action: action },
    run_once: true,
    when: "not ansible_check_mode",
    tags: CHANGING,
  };
}

/** What the audit, the probes and the final verify need on the host: audit.sh and verify.sh source lib.sh. */
const STAGED = ["lib.sh", "audit.sh", "verify.sh"];

/** Tasks that run from a scratch copy of hosts/<host>/ scripts (plus checks.sh), removed at the end. */
function staged(name: string, tasks: Task[]): Task {
  return {
    name,
    block: [
      { name: "Make a scratch folder for this host's scripts", "ansible.builtin.tempfile": { state: "directory", prefix: "sitegen-" }, register: "sitegen_stage", ...SCRATCH },
      {
        name: "Copy the host's scripts into it (checks.sh, and from hosts/<host>/: lib.sh, audit.sh, verify.sh)",
        "ansible.builtin.copy": { src: "{{ item }}", dest: "{{ sitegen_stage.path }}/", mode: "0755" }, ...SCRATCH,
        loop: ["{{ playbook_dir }}/checks.sh", ...STAGED.map((f) => `{{ sitegen_out }}/hosts/{{ inventory_hostname }}/${f}`)],
      },
      ...tasks,
    ],
    always: [{ name: "Remove the scratch folder", "ansible.builtin.file": { path: "{{ sitegen_stage.path }}", state: "absent" }, ...SCRATCH, when: "sitegen_stage.path is defined" }],
  };
}

const auditTasks = (): Task[] => [
  {
    name: "Run the audit (audit.sh: read-only, every gate PASS, WARN or STOP)",
    "ansible.builtin.command": { argv: ["bash", "{{ sitegen_stage.path }}/audit.sh"] },
    environment: { SITEGEN_ROOT: "{{ sitegen_prefix }}" },
    register: "sitegen_audit", changed_when: false, failed_when: false, check_mode: false, tags: ["audit", "always"],
  },
  {
    name: "Stop the run on any STOP of the audit (nothing has been changed)",
    "ansible.builtin.assert": {
      that: "sitegen_audit.rc == 0",
      fail_msg: "audit.sh on {{ inventory_hostname }} exited {{ sitegen_audit.rc }}, nothing was changed: {{ sitegen_stops or sitegen_audit.stderr }}",
      success_msg: "{{ sitegen_audit.stdout_lines | last }}",
    },
    vars: { sitegen_stops: "{{ sitegen_audit.stdout_lines | select('match', '^STOP ') | join('; ') }}" },
    tags: ["audit", "always"],
  },
  { name: "Remember that the audit passed on this host", "ansible.builtin.set_fact": { sitegen_audit_passed: true }, tags: ["audit", "always"] },
];

const auditRanTask = (): Task => ({
  name: "Require a passing audit on this host in this run (do not skip the audit tag)",
  "ansible.builtin.assert": { that: "sitegen_audit_passed | default(false)", fail_msg: "the audit did not run on {{ inventory_hostname }} in this run: run it, do not skip it" },
  tags: CHANGING,
});

function play(site: Site, name: string, extra: Record<string, unknown>, tasks: Task[]): Task {
  return { name, hosts: groupName(site), gather_facts: false, vars_files: ["vars.yml"], ...extra, tasks };
}

const include = (kind: "apply" | "rollback"): Task => ({
  name: `Include this host's ${kind} tasks (tasks/<host>-${kind}.yml)`,
  "ansible.builtin.include_tasks": { file: `tasks/{{ inventory_hostname }}-${kind}.yml` },
  tags: ["always"],
});

function changePlay(site: Site, plan: Plan, name: string, kind: "apply" | "rollback", tasks: Task[]): Task {
  const handlers = handlersFor(kind === "apply" ? plan.steps.flatMap((s) => [s.apply, s.inverse]) : plan.steps.map((s) => s.inverse));
  const p = play(site, name, { become: true, force_handlers: true, environment: { SITEGEN_ROOT: "{{ sitegen_prefix }}" } }, tasks);
  return handlers.length ? { ...p, handlers } : p;
}

/**
 * One play: the audit on every host, then the approval, then each host's steps. The gates are a
 * block with any_errors_fatal, so a STOP or a refusal on any host ends the run on every host before
 * the first change; the linear strategy runs each gate task on every host before the next task.
 */
export function applyPlaybook(site: Site, plan: Plan): Task[] {
  const gates: Task[] = [...auditTasks(), ...(plan.steps.length ? [auditRanTask(), approvalTask("the first change", "changes hosts")] : [])];
  return [changePlay(site, plan, `Apply site ${site.name}: audit every host, require the approval, then each step (checkpoint rollback), then verify`, "apply", [
    integrityTask(),
    staged("Run from a scratch copy of this host's scripts", [
      { name: "Gates: audit every host, then require the approval (any failure ends the run on every host)", any_errors_fatal: true, block: gates },
      include("apply"),
    ]),
  ])];
}

export function rollbackPlaybook(site: Site, plan: Plan): Task[] {
  return [changePlay(site, plan, `Roll back site ${site.name}: the inverse of every step, newest first`, "rollback", [
    integrityTask(),
    { name: "Gate: require the approval (a refusal ends the run on every host)", any_errors_fatal: true, block: [approvalTask("the rollback", "rolls hosts back")] },
    include("rollback"),
  ])];
}
