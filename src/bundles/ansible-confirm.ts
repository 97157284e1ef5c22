// Confirm-or-revert in the role (apply.yml -e confirm_within=SECONDS), the playbook's side of
// host.sh apply --confirm-within: the host arms its own revert (host.sh confirm --arm, a systemd timer), each
// needed step is journaled before it changes anything, and the run confirms only over a new session
// after host.sh verify passed. A change that cuts the session does not drop the host from the play
// (ignore_unreachable while armed): the task that lost the session stops the block at once (no later
// action runs against a host that may be reverting), the rescue waits until a new session reaches the
// host again, asks what became of the run, and undoes the started steps as after any failure: their
// inverses are guarded, and a session that only stalled (the host reverted meanwhile) may have gone on
// applying after the revert. No step starts once the run is no longer armed (the journal refuses).
import { rawLine, type Task } from "./ansible-words.js";

/** Set once the host armed this run's revert. */
export const ARMED = "sitegen_run_id is defined";
/** A variable as one shell word of a raw line. */
const word = (variable: string): string => `{{ ${variable} | quote }}`;
const RUN = word("sitegen_run_id");
/**
 * host.sh confirm from the scratch folder through ansible.builtin.raw, like the step's own shell tasks: no Python
 * started on the host (the journal runs once per needed step). raw keeps stdout's final newline: hence trim.
 * The arguments are a task variable, so that the line stays within yamllint's length.
 */
const confirmSh = (...args: string[]): Task => ({
  "ansible.builtin.raw": rawLine(`bash ${word("sitegen_stage.path")}/host.sh confirm {{ sitegen_confirm_args }}`),
  vars: { sitegen_confirm_args: args.join(" ") },
});
const READ = { changed_when: false };

/**
 * The checkpoint block's keyword: a lost session is a result to act on, not the end of the host (a literal:
 * Ansible's schema takes no template here). Unarmed, the rescue gives the host 30 s to answer before undoing.
 */
export const KEEP_UNREACHABLE = { ignore_unreachable: true };

/** Right after a task that can cut the session (registered as `result`): stop the block, the rescue takes over. */
export const stopIfCut = (result: string): Task => ({
  name: "Stop here if this task lost the session (the host's armed revert takes over)",
  "ansible.builtin.fail": { msg: "the session to {{ inventory_hostname }} was lost during the task above" },
  when: `${result} is defined and ${result} is unreachable`,
});

/**
 * Before the first change: arm the revert on the host (-e confirm_within), or check that no run is armed
 * there; either is refused while another run is armed (as host.sh apply refuses), before anything changes.
 */
export function armTasks(tags: string[]): Task[] {
  const wanted = ["confirm_within is defined", "not ansible_check_mode"];
  const probe = { failed_when: false, ...READ, tags };
  return [
    {
      name: "Arm the host's own revert of this run's steps (-e confirm_within=SECONDS; it fires unless the run confirms)",
      ...confirmSh("--arm", word("confirm_within")),
      register: "sitegen_arm",
      ...probe,
      when: wanted,
    },
    {
      name: "Check that no other run's revert is armed on the host",
      ...confirmSh("--unarmed"),
      register: "sitegen_unarmed",
      ...probe,
      when: ["confirm_within is not defined", "not ansible_check_mode"],
    },
    {
      name: "Stop unless the host is free to change (nothing was changed)",
      "ansible.builtin.assert": { that: "sitegen_free.rc == 0", fail_msg: "{{ sitegen_free.stdout }} {{ sitegen_free.stderr }}", quiet: true },
      // a skipped task's register replaces the variable too: hence two names
      vars: { sitegen_free: "{{ sitegen_arm if confirm_within is defined else sitegen_unarmed }}" },
      when: "not ansible_check_mode",
      tags,
    },
    { name: "Remember the armed run", "ansible.builtin.set_fact": { sitegen_run_id: "{{ sitegen_arm.stdout_lines | last }}" }, when: wanted, tags },
  ];
}

/** In step.yml, after the probe: a needed step is journaled before its first action (refused once the run is no longer armed). */
export const journalTasks = (): Task[] => [
  {
    name: "Journal the step for the armed revert (refused once the run is no longer armed: then no step starts)",
    ...confirmSh("--journal", RUN, word("sitegen_step.id")),
    register: "sitegen_journal",
    ...READ,
    when: [ARMED, "sitegen_needed"],
  },
  stopIfCut("sitegen_journal"),
];

/** After host.sh verify: confirm over a new session, so a change that blocks new sessions (not the open one) is not kept. */
export const confirmTasks = (): Task[] => [
  { name: "Drop this session before confirming (the confirm must come over a new one)", "ansible.builtin.meta": "reset_connection", when: ARMED },
  {
    name: "Reach the host over a new session",
    "ansible.builtin.wait_for_connection": { timeout: 60, connect_timeout: 10 },
    when: ARMED,
  },
  {
    name: "Keep the change: confirm this run (host.sh confirm RUN-ID disarms the host's revert)",
    ...confirmSh(RUN),
    register: "sitegen_confirm",
    ...READ,
    when: ARMED,
  },
  stopIfCut("sitegen_confirm"),
];

/** First in the rescue, while armed: wait for a new session (the host reverts on its own if the change cut it), then ask. */
export const rescueTasks = (): Task[] => [
  {
    name: "Wait until a new session reaches the host (armed: it reverts on its own meanwhile; else after 30 s it is left as it is)",
    "ansible.builtin.wait_for_connection": { timeout: `{{ (confirm_within | int + 120) if ${ARMED} else 30 }}`, connect_timeout: 5, sleep: 3 },
    tags: ["always"],
  },
  {
    name: "Ask the host what became of the armed run (host.sh confirm --state)",
    ...confirmSh("--state", RUN),
    register: "sitegen_run_state",
    ...READ,
    when: ARMED,
    tags: ["always"],
  },
  {
    name: "Remember whether the host reverted the run on its own",
    "ansible.builtin.set_fact": { sitegen_reverted: "{{ sitegen_run_state.stdout | trim != 'armed' }}" },
    when: ARMED,
    tags: ["always"],
  },
  {
    // in parts: yamllint keeps lines short
    name: "Say so in what failed (a rolled back batch reports it too)",
    "ansible.builtin.set_fact": { sitegen_failed: "{{ sitegen_failed }}; {{ sitegen_what }} ({{ sitegen_log }})" },
    vars: {
      sitegen_what: "the session was lost or the confirm window ran out, and the host reverted this run's steps on its own",
      sitegen_log: "{{ sitegen_run_state.stdout | trim }}; its log: /var/lib/sitegen/{{ inventory_hostname }}/runs/{{ sitegen_run_id }}/revert.log",
    },
    when: [ARMED, "sitegen_reverted"],
    tags: ["always"],
  },
];

/** In the rescue, after the playbook's own undo: the revert has nothing left to do. */
export const undoneTask = (): Task => ({
  name: "Disarm the host's revert: this run's steps were undone above (host.sh confirm --undone)",
  ...confirmSh("--undone", RUN),
  ...READ,
  when: [ARMED, "not sitegen_reverted"],
  tags: ["always"],
});

/** The rescue's failure when the host reverted the run itself (sitegen_failed says how). */
export const revertedFail = (): Task => ({
  "ansible.builtin.fail": {
    msg: "{{ sitegen_failed }} on {{ inventory_hostname }}. Make the change reachable over a new session (or the window longer) and apply again.",
  },
});
