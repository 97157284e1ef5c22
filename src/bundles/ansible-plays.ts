// The plays of apply.yml and rollback.yml, ordered across the site's roles, and the gates they
// enforce. Every play runs the same role (roles/sitegen_host) on the hosts of one tier:
//   apply:    gates on every host (audit, approval of the output's token) -> gateways and routers ->
//             the gate that the routers serve -> nodes in rolling batches -> verify every host
//   rollback: approval -> nodes give back first -> gateways and routers last
import { VARS_FROM_PLAYBOOKS } from "./engine-paths.js";
import type { Plan } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { crossHostOrder } from "./review-order.js";
import { backupsGroup, holdersGroup, holderTasks } from "./ansible-holder.js";
import { CHANGING } from "./ansible-role.js";
import type { Task } from "./ansible-words.js";

export const groupName = (site: Site) => `site_${site.name.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** The site's hosts by tier: router members, nodes that route through a router, every other host. */
export interface Tiers {
  gateways: string[];
  routers: string[];
  nodes: string[];
}
export function tiers(site: Site): Tiers {
  const routers = new Set(site.vrouters.flatMap((v) => v.members.map((m) => m.host)));
  const nodes = new Set(site.vrouters.flatMap((v) => v.nodes.map((n) => n.host)).filter((h) => !routers.has(h)));
  const names = site.hosts.map((h) => h.name);
  return {
    gateways: names.filter((h) => !routers.has(h) && !nodes.has(h)),
    // in REVIEW.md's cross-host order: a first run (no member holds a VIP yet) keeps it, one at a time
    routers: crossHostOrder(site).hosts.filter((h) => routers.has(h)),
    nodes: names.filter((h) => nodes.has(h)),
  };
}
/** The gate that the routers serve runs before the nodes change, so only on a site with nodes. */
export const servesGate = (site: Site): boolean => tiers(site).nodes.length > 0;
export const tierGroup = (site: Site, tier: keyof Tiers) => `${groupName(site)}_${tier}`;

/** Nodes change in rolling batches: one node first, then a quarter of them at a time. */
const SERIAL = [1, "25%"];

/** The role calls ansible.builtin.systemd_service, which ansible-core 2.14 brought (README: requirements). */
export const ANSIBLE_CORE_FLOOR = "2.14";

/** Before any change, on the controller: an older ansible-core would fail halfway, at the first unit task. */
function ansibleFloorTask(): Task {
  return {
    name: `Require ansible-core ${ANSIBLE_CORE_FLOOR} or newer (the role uses ansible.builtin.systemd_service)`,
    "ansible.builtin.assert": {
      that: `ansible_version.full is version('${ANSIBLE_CORE_FLOOR}', '>=')`,
      fail_msg:
        `ansible-core {{ ansible_version.full }} is older than ${ANSIBLE_CORE_FLOOR}: nothing was changed; ` +
        `upgrade it (pip install 'ansible-core>=${ANSIBLE_CORE_FLOOR}')`,
      quiet: true,
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
      success_msg: "approved: {{ approve | default('') }}",
    },
    vars: { sitegen_action: action },
    run_once: true,
    when: "not ansible_check_mode",
    tags: CHANGING,
  };
}

/** The role's task files that change hosts: a host without steps has no apply, rollback or confirm script to run them with. */
const CHANGES = new Set(["apply", "rollback"]);

const role = (from: string, tags?: string[]): Task => ({
  name: `Run the role's ${from} tasks (roles/sitegen_host/tasks/${from}.yml)`,
  "ansible.builtin.import_role": { name: "sitegen_host", tasks_from: from },
  ...(CHANGES.has(from) ? { when: "sitegen_steps | length > 0" } : {}),
  ...(tags ? { tags } : {}),
});

function play(hosts: string, name: string, extra: Record<string, unknown>, tasks: Task[]): Task {
  return { name, hosts, gather_facts: false, vars_files: [VARS_FROM_PLAYBOOKS], ...extra, tasks };
}

// No play-wide environment: the role's shell commands run through ansible.builtin.raw (no Python started on the host),
// which takes none; they and host.sh verify carry SITEGEN_ROOT themselves (ansible-words.ts, rawLine).
const CHANGE = { become: true, force_handlers: true };
// The read-only plays run as root too: host.sh audit and verify and the serving checks read network namespaces,
// /etc/netplan (0600) and libvirt's system networks, which a sudo user would find "missing" (false STOPs).
const READ_AS_ROOT = { become: true };

/** Plays over the non-empty tiers only: a pattern that matches no host would only warn. */
const hostsOf = (site: Site, t: Tiers, names: Array<keyof Tiers>) =>
  names
    .filter((n) => t[n].length)
    .map((n) => tierGroup(site, n))
    .join(":");

/**
 * Router members one at a time (serial 1; a failure ends the run before the next member): first those
 * that hold no VIP, then those that hold one, asked on the hosts when the run starts (ansible-holder.ts).
 * A first run finds no holder and keeps REVIEW.md's order; a later run moves no VIP it need not move.
 */
function routerPlays(site: Site, t: Tiers): Task[] {
  if (!t.routers.length) return [];
  const routers = tierGroup(site, "routers");
  const one = { ...CHANGE, serial: 1, any_errors_fatal: true };
  return [
    play(
      routers,
      "Router members: ask each whether it holds its routers' VIPs now (read-only), so that the holders change last",
      READ_AS_ROOT,
      holderTasks(groupName(site)),
    ),
    play(
      `${routers}:&${backupsGroup(groupName(site))}`,
      "Router members that hold no VIP, one at a time: each host's steps with checkpoint rollback, then verify",
      one,
      [role("apply")],
    ),
    play(
      `${routers}:&${holdersGroup(groupName(site))}`,
      "Router members that hold a VIP, last, one at a time: each host's steps with checkpoint rollback, then verify",
      one,
      [role("apply")],
    ),
  ];
}

export function applyPlaybook(site: Site, plan: Plan): Task[] {
  const t = tiers(site);
  const gates: Task[] = [ansibleFloorTask(), role("audit"), ...(plan.steps.length ? [approvalTask("the first change", "changes hosts")] : [])];
  const gatePlay = play(
    groupName(site),
    `Gates for site ${site.name}: audit every host, then require the approval (any failure ends the run on every host)`,
    { any_errors_fatal: true, ...READ_AS_ROOT },
    gates,
  );
  const verify = play(groupName(site), "Verify every host, last (host.sh verify, read-only)", READ_AS_ROOT, [role("verify", ["verify"])]);
  // a site where sitegen changes nothing: its checks only
  if (!plan.steps.length) return [gatePlay, verify];
  const plays = [
    gatePlay,
    ...(t.gateways.length
      ? [play(tierGroup(site, "gateways"), "Gateways: each host's steps with checkpoint rollback, then verify", CHANGE, [role("apply")])]
      : []),
    ...routerPlays(site, t),
  ];
  if (servesGate(site)) {
    const nodes = tierGroup(site, "nodes");
    plays.push(
      play(
        hostsOf(site, t, ["routers", "nodes"]),
        "Gate: the routers serve (upstream from their namespace; ping, DNS and NTP at the VIP from every node)",
        { any_errors_fatal: true, ...READ_AS_ROOT, tags: ["nodes"] },
        [role("serves")],
      ),
      play(
        nodes,
        "Nodes in rolling batches: a failure rolls its batch back and stops the later batches",
        { ...CHANGE, serial: SERIAL, max_fail_percentage: 0, vars: { sitegen_hold_failure: true } },
        [role("apply"), role("batch")],
      ),
    );
  }
  plays.push(verify);
  return plays;
}

export function rollbackPlaybook(site: Site): Task[] {
  const t = tiers(site);
  const first = hostsOf(site, t, ["gateways", "routers"]);
  return [
    play(groupName(site), `Gate for site ${site.name}: require the approval (a refusal ends the run on every host)`, { any_errors_fatal: true }, [
      ansibleFloorTask(),
      approvalTask("the rollback", "rolls hosts back"),
    ]),
    ...(t.nodes.length ? [play(tierGroup(site, "nodes"), "Nodes give back first: the inverse of every step, newest first", CHANGE, [role("rollback")])] : []),
    ...(first ? [play(first, "Gateways and routers last: the inverse of every step, newest first", CHANGE, [role("rollback")])] : []),
  ];
}

/** roles/sitegen_host/tasks/audit.yml (inside the staged block): host.sh audit, whose STOP ends the run on every host. */
export const auditTasks = (): Task[] => [
  {
    name: "Run the audit (host.sh audit: read-only, every gate PASS, WARN or STOP)",
    "ansible.builtin.command": { argv: ["bash", "{{ sitegen_stage.path }}/host.sh", "audit"] },
    // the role requires the audit in the same run (auditRanTask): no stamp for host.sh apply PHASE is left on the host
    environment: { SITEGEN_ROOT: "{{ sitegen_prefix }}", SITEGEN_NO_STAMP: "1" },
    register: "sitegen_audit",
    changed_when: false,
    failed_when: false,
    check_mode: false,
    tags: ["audit", "always"],
  },
  {
    name: "Stop the run on any STOP of the audit (nothing has been changed)",
    "ansible.builtin.assert": {
      that: "sitegen_audit.rc == 0",
      fail_msg: "host.sh audit on {{ inventory_hostname }} exited {{ sitegen_audit.rc }}, nothing was changed: {{ sitegen_stops or sitegen_audit.stderr }}",
      success_msg: "{{ sitegen_audit.stdout_lines | last }}",
    },
    vars: { sitegen_stops: "{{ sitegen_audit.stdout_lines | select('match', '^STOP ') | join('; ') }}" },
    tags: ["audit", "always"],
  },
  { name: "Remember that the audit passed on this host", "ansible.builtin.set_fact": { sitegen_audit_passed: true }, tags: ["audit", "always"] },
];
