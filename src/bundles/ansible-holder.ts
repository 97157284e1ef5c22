// The routers' members change one at a time, the member that holds a router's VIPs last, so that a
// run moves no VIP it need not move. Which member holds them is asked on the hosts when the run starts
// (a read-only probe: is a VIP on its leg inside the router's namespace?), never assumed from the
// inventory: after a failover the preferred member is a backup. The probe's answer puts each member in
// one of two in-memory groups (group_by); the changing plays take the backups, then the holders.
import type { Site } from "../resolve/site.js";
import { rawLine, type Task } from "./ansible-words.js";
import type { Data } from "./ansible-data.js";

export const holdersGroup = (group: string) => `${group}_vip_holders`;
export const backupsGroup = (group: string) => `${group}_vip_backups`;

/** host_vars: a router member's VIPs, where they would be (its router's namespace, the leg, the address as the leg carries it). */
export function holderData(site: Site, host: string): Data {
  const vips = site.vrouters
    .filter((v) => v.members.some((m) => m.host === host))
    .flatMap((v) => [v.management, v.public].map((l) => ({ namespace: v.namespace, link: l.link, address: l.vipAddr })));
  return vips.length ? { sitegen_vips: vips } : {};
}

/** The pre-play's tasks: ask (read-only, also in check mode), then join the holders or the backups. */
export const holderTasks = (group: string): Task[] => [
  {
    name: "Ask (read-only: ip -o addr in the router's namespace) whether this member holds now the VIP {{ item.address }}",
    "ansible.builtin.raw": rawLine("{{ sitegen_in }} 2>/dev/null | grep -qF {{ sitegen_vip }}"),
    vars: {
      sitegen_in: "ip netns exec {{ item.namespace | quote }} ip -o addr show dev {{ item.link | quote }}",
      sitegen_vip: "{{ (' ' ~ item.address ~ ' ') | quote }}",
    },
    loop: "{{ sitegen_vips }}",
    register: "sitegen_holder",
    changed_when: false,
    failed_when: false,
    check_mode: false,
    tags: ["always"],
  },
  {
    name: "Join the holders (they change last) or the backups (they change first)",
    "ansible.builtin.group_by": {
      key: `{{ '${holdersGroup(group)}' if sitegen_holder.results | selectattr('rc', 'equalto', 0) | list else '${backupsGroup(group)}' }}`,
    },
    changed_when: false,
    tags: ["always"],
  },
];
