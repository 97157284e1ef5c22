// REVIEW.md's virtual-router parts: the site table, and per host the notes and tests it needs.
import type { Site } from "../resolve/site.js";
import { withHa, type HaRouter, type Vrouter, type VrouterMember } from "../resolve/vrouter.js";
import { savedDir } from "../targets/cloud-init/takeover.js";
import { bootOrder, bootUnit } from "../targets/vrouter-boot/index.js";
import { conntrackdConf } from "../targets/conntrackd/index.js";
import { transitionsFile } from "../targets/keepalived/index.js";

export function vrouterTable(site: Site) {
  return site.vrouters.map((v) => ({
    name: v.name, namespace: v.namespace, gateway: v.gateway,
    membersText: v.members.map((m) => `${m.primary ? `**${m.host}**` : m.host}${m.address ? ` (${m.address})` : ""}`).join(", "),
    mgmtText: `${v.management.link} on ${v.management.network}, VIP ${v.management.vipAddr}`,
    pubText: `${v.public.link} on ${v.public.network}, VIP ${v.public.vipAddr}`,
    natText: `${v.nat.backend}${v.nat.masquerade ? `, ${v.ha ? "SNAT" : "MASQUERADE"} ${v.management.cidr} to ${v.public.vip}` : ", no NAT"}`,
    dnsText: v.dns ? `dnsmasq to ${v.dns.upstreams.join(", ")}` : "-",
    ntpText: v.ntp ? `${v.ntp.daemon} from ${v.ntp.upstreams.join(", ")}` : "-",
    nodesText: v.nodes.map((n) => n.host).join(", ") || "-",
  }));
}

/** The boot order on a member: what sitegen's boot unit waits for and what waits for it. */
function bootNote(v: Vrouter, m: VrouterMember): string {
  const o = bootOrder(v, m);
  const after = o.after.length ? `after ${o.after.join(", ")}` : "at boot";
  return `At boot: ${after} -> \`${bootUnit(v)}\` (waits for ${o.bridges.join(" and ")}, then replays the runtime steps: namespace, legs, addresses, routes, forwarding, NAT) -> ${o.before.map((u) => `\`${u}\``).join(", ") || "nothing else"}. Installed by the persist phase; until then a reboot leaves the router down.`;
}

const member = (v: Vrouter, host: string) => v.members.find((m) => m.host === host);

function haNote(v: HaRouter, host: string): string {
  const m = member(v, host)!;
  const who = v.ha.manager === "keepalived" ? `keepalived (priority ${m.priority})` : `Pacemaker (location score ${m.priority})`;
  return `${host} holds ${v.name}'s VIPs only while ${who} makes it the active member${m.primary ? " (it is the preferred one)" : ""}; otherwise its namespace leaves through the active member by a default route via ${v.management.vip} with metric 10000, and its services already listen on the VIP (ip_nonlocal_bind). See "Failover: ${v.name}" above.`;
}

function haTests(v: HaRouter, host: string): string[] {
  const ct = `ip netns exec ${v.namespace} conntrackd -C ${conntrackdConf(v)}`;
  const out = [
    `\`ip -n ${v.namespace} -br addr\`: on the active member only, ${v.management.vip} on ${v.management.link} and ${v.public.vip} on ${v.public.link}`,
    `\`${ct} -s network\`: sync messages are received from the other members (their counters grow)`,
    `while a node downloads something: \`${ct} -e\` on a backup lists the node's flow (synced, not yet in its kernel table)`,
  ];
  if (v.ha.manager === "keepalived") {
    out.push(`failover drill, with a download running on a node: \`systemctl stop sitegen-${v.name}-keepalived\` on the active member; the VIPs appear on the next member within a second, the download goes on, and \`cat ${transitionsFile(v)}\` there shows \`primary\`; start the unit again afterwards`);
  } else if (member(v, host)!.primary) {
    out.push(`failover drill, with a download running on a node: \`pcs node standby ${host}\` while it is active; the resources move, the download goes on; \`pcs node unstandby ${host}\` afterwards`);
  }
  return out;
}

export function vrouterNotes(site: Site, host: string): string[] {
  const out: string[] = [];
  for (const v of site.vrouters) {
    const m = member(v, host);
    if (m) {
      out.push(withHa(v) ? haNote(v, m.host) : m.primary
        ? `${host} is ${v.name}'s primary: its namespace holds ${v.management.vip} and ${v.public.vip} until a failover manager (keepalived or Pacemaker) moves them; then this static placement must go.`
        : `${host} does not hold ${v.name}'s VIPs: its namespace ${m.address ? `leaves through the primary (${v.primary}) by a default route via ${v.management.vip} with metric 10000` : "has no management address of its own, so it has no way out until it holds the VIPs"}, and its services already listen on the VIP (ip_nonlocal_bind), ready for a failover.`);
      out.push(bootNote(v, m));
      for (const l of [v.management, v.public]) {
        if (m.bridges[l.role].type === "ovs") out.push(`${m.bridges[l.role].name} is an Open vSwitch bridge: the ${l.role} leg is an internal port ${l.link}${l.vlan !== undefined ? ` with tag=${l.vlan}` : ""}. This variant is generated and checked offline only: the machines sitegen is tested on have no openvswitch module; run the namespace round trip in the guest kernel before relying on it.`);
      }
      if (v.ntp?.daemon === "chrony") out.push(`chronyd runs with -x: it serves time to the nodes but never steers ${host}'s clock; the host's own NTP client keeps doing that.`);
      if (v.ntp?.daemon === "ntpd") out.push(`ntpd has no -x: 'disable ntp' in its config keeps it from steering ${host}'s clock; make sure the host's own NTP client is not ntpd listening on the same namespace.`);
    }
    const n = v.nodes.find((x) => x.host === host);
    if (n) {
      out.push(`${host} has no public address: its default route${v.dns ? ", resolver" : ""}${v.ntp ? " and NTP server" : ""} are ${v.name}'s management VIP ${v.management.vip}. \`cloud-init/network-config\` and \`cloud-init/user-data\` are for provisioning it afresh.`);
      out.push(n.bridge.owner === "netplan"
        ? `The takeover saves ${host}'s netplan files in \`${savedDir(v)}\`, removes ${n.bridge.name}'s default route${v.dns ? " and resolvers" : ""} from them and adds the drop-in; \`rollback.sh nodes\` puts the saved files back byte for byte and runs netplan apply, so the node ends with the route it had.`
        : `${n.bridge.name} on ${host} is owned by ${n.bridge.owner}, not netplan: the takeover is live only (default route${v.dns ? " and /etc/resolv.conf" : ""}, recorded first in \`${savedDir(v)}\` and given back exactly by \`rollback.sh nodes\`); it lasts until ${n.bridge.owner} reconfigures ${n.bridge.name}, so point ${n.bridge.owner}'s own configuration at ${v.management.vip} to keep it across reboots.`);
    }
  }
  return out;
}

export function vrouterTests(site: Site, host: string): string[] {
  const out: string[] = [];
  for (const v of site.vrouters) {
    const m = member(v, host);
    const probe = v.dns?.upstreams[0] ?? v.gateway;
    if (m && withHa(v)) {
      out.push(...haTests(v, host));
    } else if (m?.primary) {
      out.push(`\`ip netns exec ${v.namespace} ping -c2 ${v.gateway}\`: the namespace reaches its upstream gateway`);
      out.push(`after a node's ping to ${probe}: \`ip netns exec ${v.namespace} conntrack -L -p icmp\` shows the reply addressed to the public VIP ${v.public.vip} (NAT)`);
    } else if (m) {
      out.push(`\`ip netns exec ${v.namespace} ping -c2 ${probe}\`: the namespace leaves through the primary (low-priority route)`);
    }
    if (v.nodes.some((n) => n.host === host)) {
      out.push(`\`ping -c2 ${probe}\`: out through ${v.management.vip}, NATed to ${v.public.vip}`);
      if (v.dns) out.push(`\`dig @${v.management.vip} debian.org\`: dnsmasq answers through the VIP`);
      if (v.ntp) out.push(`\`chronyc sources\` lists ${v.management.vip} as selected (\`*\`) once it has synced`);
    }
  }
  return out;
}
