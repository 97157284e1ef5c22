// REVIEW.md's failover parts: per router with 'ha', the manager's settings, the failover path step by
// step, and plainly what sitegen's own tests exercised live and what they did not.
import type { Site } from "../resolve/site.js";
import { byKeepalived, byPacemaker, withHa, type HaRouter, type KeepalivedHa, type PacemakerHa } from "../resolve/vrouter.js";
import { conntrackdConf } from "../targets/conntrackd/index.js";
import { authFile, downSeconds, notifyScript, transitionsFile } from "../targets/keepalived/index.js";
import { cibFragment, pcsScript } from "../targets/pacemaker/index.js";

const sec = (s: number) => `${s.toFixed(1)} s`;

function settings(v: HaRouter): Array<[string, string]> {
  const ha = v.ha;
  const prios = v.members.map((m) => `${m.host} ${m.priority}`).join(", ");
  const sync = `conntrackd ${ha.sync.mode.toUpperCase()}, multicast ${ha.sync.group} port ${ha.sync.port} on ${v.management.link}, from each member's own address (\`${conntrackdConf(v)}\`)`;
  const sticky = ha.preempt ? "a returning member with a higher priority takes the VIPs back" : "a returning member does not take the VIPs back";
  if (ha.manager === "keepalived") {
    const k = ha.vrrp;
    return [
      ["manager", `keepalived (VRRP v2) in namespace ${v.namespace}: virtual_router_id ${k.vrid}, adverts every ${k.interval} s on ${v.management.link}, ${v.public.link} tracked`],
      ["priorities", `${prios}; ${sticky}`],
      ["password", k.authVar ? `\`$VRRP_AUTH_PASS\` from the Ansible vault variable \`${k.authVar}\`, written to \`${authFile(v)}\` (0600) at install (apply.sh reads the environment variable of that name); never in out/` : "none (VRRP adverts are not authenticated)"],
      ["state sync", sync],
    ];
  }
  return [
    ["manager", `Pacemaker: resources ${ha.prefix}-* created by \`${pcsScript(v)}\` (the CIB it produces: \`${cibFragment(v)}\`)`],
    ["priorities", `location scores ${prios}; ${sticky} (resource-stickiness ${ha.preempt ? 0 : 1000})`],
    ["state sync", `${sync}; promoted by ocf:heartbeat:conntrackd`],
  ];
}

function keepalivedPath(v: HaRouter<KeepalivedHa>): string[] {
  const first = v.members.find((m) => m.primary)!;
  const slowest = Math.max(...v.members.map((m) => downSeconds(v, m)));
  return [
    `The active member (${first.host} first: the highest priority) holds ${v.management.vipAddr} on ${v.management.link}, ${v.public.vipAddr} on ${v.public.link} and the default route via ${v.gateway}; its conntrackd multicasts the state of every forwarded flow, which the other members keep in their external cache, not in their kernel tables.`,
    `It dies, or its public leg goes down (a tracked interface puts it in FAULT): its adverts stop. After three missed adverts and a skew that favours the higher priority (${v.members.map((m) => `${m.host} ${sec(downSeconds(v, m))}`).join(", ")}; at most ${sec(slowest)}) the backup with the highest priority becomes MASTER. When keepalived stops cleanly it sends priority 0 and the next member takes over after the skew alone (under ${sec(v.ha.vrrp.interval)}).`,
    `keepalived adds both VIPs and the default route on the new active member and sends gratuitous ARP, so the nodes and the upstream router send to it.`,
    `keepalived runs \`${notifyScript(v)} primary\`, which does what conntrackd's primary-backup.sh does: commit the synced states into the kernel table (-c), flush both caches (-f), resync from the kernel (-R), send a bulk update to the others (-B). Each call is logged in \`${transitionsFile(v)}\`.`,
    `Packets of existing flows match the committed entries (same node port, same SNAT to ${v.public.vip}); a flow the new member does not know is dropped (\`ct state invalid drop\`, \`nf_conntrack_tcp_loose=0\`) rather than leaving un-NATed or NATed to another port.`,
    `A member that becomes backup runs \`${notifyScript(v)} backup\`: its leftover entries expire after conntrackd's PurgeTimeout (-t), and it asks the active member for a full resync (-n).`,
  ];
}

function pacemakerPath(v: HaRouter<PacemakerHa>): string[] {
  const p = v.ha.prefix;
  return [
    `${p}-router (the two VIPs through IPaddr2 with network_namespace=${v.namespace}, then the default route via ${v.gateway}) runs where ${p}-conntrackd-clone is promoted, only where ${p}-netns-clone runs (the namespace exists), preferring the highest location score.`,
    `When the active node is lost, Corosync declares it gone and Pacemaker fences it (STONITH, which the cluster must have), promotes conntrackd on the next node (the agent runs -c, -f, -R and -B, as primary-backup.sh does) and then starts ${p}-router there: IPaddr2 adds the VIPs inside ${v.namespace} and sends ARP, ${p}-uplink adds the default route.`,
    `Demoting conntrackd on a node that stays runs -t and -n, as the backup branch of primary-backup.sh.`,
    `dnsmasq and NTP run on every member (clones), so they answer as soon as the VIP arrives. How long the move takes depends on Corosync's token timeout and on fencing; sitegen has not measured it.`,
  ];
}

const WHY_SNAT = "With failover the NAT rule is SNAT to the public VIP, not MASQUERADE: the kernel drops MASQUERADE's connections when the address leaves the interface (every graceful handover), and conntrackd would sync those deletions to the new active member. This was seen in sitegen's failover test before the change.";
const WHY_MODE = (v: HaRouter) => (v.ha.sync.mode === "ftfw"
  ? "conntrackd uses FTFW (acknowledged, resent) because there are exactly two members."
  : `conntrackd uses NOTRACK (best effort) because there are ${v.members.length} members: FTFW's receiver keeps one expected sequence number for all peers and drops messages that look delayed (conntrack-tools sync-ftfw.c), so a third member's messages made the backups lose the active member's updates in sitegen's failover test.`);

function live(v: HaRouter): { done: string[]; notDone: string[] } {
  if (v.ha.manager === "keepalived") {
    return {
      done: [
        "test/vrouter-failover.test.ts runs these keepalived and conntrackd configurations (from their units' own command lines), ha-notify.sh and the password written by install_secret on simulated controllers in network namespaces, with three members (NOTRACK) and with two (FTFW): a throttled TCP transfer from a public-less node through the management VIP and the NAT finishes without a reset, byte for byte, when the active controller dies (keepalived killed with SIGKILL, its legs down) and again on a graceful stop; the new active member's conntrack table holds the synced entry; with conntrackd stopped on the backups the same failure stalls the flow; the rollback restores every namespace exactly. It prints the measured VIP move times.",
        "The same test runs the audit: its VRRP gate passes before anything runs and while only members advertise, and stops the change when a foreign router on the management segment uses the same virtual_router_id.",
        "keepalived -t checks every member's configuration inside a namespace holding its interfaces; conntrackd is started in one, queried (-s) and stopped by PID; the Ansible tasks that write the password run for real: the file is 0600 in keepalived's form, the value never shows in the output, a password keepalived would truncate is refused (test/checkers-ha.test.ts).",
      ],
      notDone: [
        "systemd starting the units (the tests start the same command lines themselves), the whole Ansible play against the controllers, real switches (multicast snooping, VRRP across physical links), Open vSwitch legs, and reboots.",
      ],
    };
  }
  return {
    done: [
      "Offline only: test/checkers-ha.test.ts runs pacemaker.sh create with pcs -f against a CIB from `cibadmin --empty`, checks it with crm_verify -x, compares what pcs wrote with the committed CIB fragment, and runs pacemaker.sh delete back to an empty configuration.",
      "The resource agents the CIB names run directly, without a cluster, in a network namespace: IPaddr2 with network_namespace adds and removes the VIP inside it; ocf:heartbeat:conntrackd, through the generated wrapper, starts conntrackd in it, promotes (-c -f -R -B), demotes (-t -n) and stops it.",
    ],
    notDone: [
      "No Pacemaker/Corosync cluster has run these resources: the failover path above is how Pacemaker and the agents are documented to behave, not something sitegen has watched happen, and its timing is unknown. Test it on a staging cluster (`pcs node standby` on the active node while a download runs) before relying on it.",
    ],
  };
}

export function failoverSections(site: Site) {
  return site.vrouters.filter(withHa).map((v) => ({
    name: v.name, manager: v.ha.manager,
    settings: settings(v).map(([k, val]) => ({ k, v: val })),
    path: byKeepalived(v) ? keepalivedPath(v) : byPacemaker(v) ? pacemakerPath(v) : [],
    why: [...(v.nat.masquerade ? [WHY_SNAT] : []), WHY_MODE(v)],
    ...live(v),
  }));
}
