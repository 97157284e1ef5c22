// The gate between the routers and the nodes: before a node changes, the router's management VIP
// must really serve. From each router member: the namespace reaches the upstream gateway (a backup
// member's namespace routes through the VIP holder, so this crosses the holder's forwarding and NAT).
// From each node, before its routes move: the VIP answers ping, DNS and NTP (files/serves.py).
import { check } from "../plan/checks.js";
import type { Site } from "../resolve/site.js";
import { checkLines, type Data } from "./ansible-data.js";
import { CHECKS_CMD } from "./ansible-role.js";
import type { Task } from "./ansible-words.js";

/** host_vars entries: sitegen_serves_checks (check_* lines) and sitegen_serves (VIPs to ask for DNS and NTP). */
export function servesData(site: Site, host: string): Data {
  const checks: string[] = [];
  const serves: Data[] = [];
  for (const v of site.vrouters) {
    if (v.members.some((m) => m.host === host)) checks.push(...checkLines([check("ns-reachable", { ns: v.namespace, address: v.gateway })]));
    if (!v.nodes.some((n) => n.host === host)) continue;
    checks.push(...checkLines([check("reachable", { address: v.management.vip })]));
    serves.push({ router: v.name, vip: v.management.vip, dns: v.dns !== undefined, ntp: v.ntp !== undefined });
  }
  return { ...(checks.length ? { sitegen_serves_checks: checks } : {}), ...(serves.length ? { sitegen_serves: serves } : {}) };
}

const ask = (what: "dns" | "ntp"): Task => ({
  name: `Ask the router's management VIP for ${what === "dns" ? "a DNS answer" : "the time (NTP)"} from this node`,
  "ansible.builtin.script": { cmd: `serves.py ${what} {{ item.vip }}`, executable: "python3" },
  loop: `{{ sitegen_serves | default([]) | selectattr('${what}') | list }}`,
  loop_control: { label: "{{ item.router }} {{ item.vip }}" },
  register: `sitegen_serves_${what}`,
  until: `sitegen_serves_${what}.rc == 0`,
  retries: 10,
  delay: 3,
  changed_when: false,
  when: "not ansible_check_mode",
});

/** tasks/serves.yml (inside the staged block): read-only, retried for a daemon that has just started. */
export const servesTasks = (): Task[] => [
  {
    name: "Check the routers of this run: none failed (a failed member was rolled back)",
    "ansible.builtin.assert": {
      that: "sitegen_failed_hosts | length == 0",
      fail_msg: "{{ sitegen_failed_hosts | join(', ') }} failed in this run: nodes do not change",
    },
    vars: { sitegen_failed_hosts: "{{ hostvars | dict2items | selectattr('value.sitegen_apply_failed', 'defined') | map(attribute='key') | list }}" },
    run_once: true,
  },
  {
    name: "Reach the upstream from the router's namespace, and the management VIP from the node",
    "ansible.builtin.command": { cmd: CHECKS_CMD },
    vars: { sitegen_check_lines: "{{ sitegen_serves_checks }}" },
    register: "sitegen_serves_reach",
    until: "sitegen_serves_reach.rc == 0",
    retries: 10,
    delay: 3,
    changed_when: false,
    when: ["not ansible_check_mode", "sitegen_serves_checks is defined"],
  },
  ask("dns"),
  ask("ntp"),
];

/**
 * After the staged block: every host of the gate passed it. Needed because a host that fails inside a block with
 * `always` only leaves the play (any_errors_fatal does not end it there), so the nodes' play would still start.
 */
export const servesVerdict = (): Task[] => [
  {
    name: "Check that every host of this gate passed it (else no node changes)",
    "ansible.builtin.assert": {
      that: "sitegen_gate_failed | length == 0",
      fail_msg: "the routers do not serve: the gate failed on {{ sitegen_gate_failed | join(', ') }}; nodes do not change",
    },
    vars: { sitegen_gate_failed: "{{ ansible_play_hosts_all | difference(ansible_play_hosts) }}" },
  },
];
