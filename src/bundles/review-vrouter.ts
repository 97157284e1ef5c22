// REVIEW.md's virtual-router table (the notes and tests each member and node needs come from the
// netns, vrouter-boot, ntp, conntrackd, keepalived, pacemaker and cloud-init targets).
import type { Site } from "../resolve/site.js";

export function vrouterTable(site: Site) {
  return site.vrouters.map((v) => ({
    name: v.name,
    namespace: v.namespace,
    gateway: v.gateway,
    membersText: v.members.map((m) => `${m.primary ? `**${m.host}**` : m.host}${m.address ? ` (${m.address})` : ""}`).join(", "),
    mgmtText: `${v.management.link} on ${v.management.network}, VIP ${v.management.vipAddr}`,
    pubText: `${v.public.link} on ${v.public.network}, VIP ${v.public.vipAddr}`,
    natText: `${v.nat.backend}${v.nat.masquerade ? `, ${v.ha ? "SNAT" : "MASQUERADE"} ${v.management.cidr} to ${v.public.vip}` : ", no NAT"}`,
    dnsText: v.dns ? `dnsmasq to ${v.dns.upstreams.join(", ")}` : "-",
    ntpText: v.ntp ? `${v.ntp.daemon} from ${v.ntp.upstreams.join(", ")}` : "-",
    nodesText: v.nodes.map((n) => n.host).join(", ") || "-",
  }));
}
