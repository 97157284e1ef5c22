import type { Rule, RuleContext } from "../context.js";

/**
 * Units Debian and Ubuntu ship (or that the programs sitegen works beside install) which a gateway unit must
 * never replace: apply would install over the distribution's and the rollback would disable and delete it
 * (ssh.service: the operator's way in).
 */
const DISTRIBUTION_UNITS = new Set([
  "ssh",
  "sshd",
  "networking",
  "NetworkManager",
  "NetworkManager-wait-online",
  "ifup@",
  "libvirtd",
  "libvirt-guests",
  "virtqemud",
  "virtnetworkd",
  "openvswitch-switch",
  "ovsdb-server",
  "ovs-vswitchd",
  "keepalived",
  "conntrackd",
  "dnsmasq",
  "chrony",
  "chronyd",
  "ntp",
  "ntpd",
  "ntpsec",
  "pacemaker",
  "corosync",
  "pcsd",
  "cron",
  "rsyslog",
  "dbus",
  "getty@",
  "serial-getty@",
  "cloud-init",
  "cloud-init-local",
  "cloud-config",
  "cloud-final",
  "nftables",
  "netfilter-persistent",
  "docker",
  "containerd",
  "polkit",
  "udev",
  "apparmor",
  "auditd",
  "unattended-upgrades",
  "multipathd",
  "open-iscsi",
  "iscsid",
  "snapd",
  "haproxy",
  "nginx",
  "apache2",
  "mysql",
  "mariadb",
  "memcached",
  "rabbitmq-server",
  "etcd",
  "nova-compute",
  "ovn-controller",
  "ovn-northd",
]);

const shipped = (unit: string): boolean => {
  const base = unit.replace(/\.service$/, "");
  return DISTRIBUTION_UNITS.has(base) || DISTRIBUTION_UNITS.has(base.replace(/@.*$/, "@")) || /^(systemd|netplan|dbus|user|getty|ifupdown)[-@.]/.test(base);
};

/** Units of the routers host is a member of start with this (sitegen-<router>-<daemon>.service). */
const routerPrefixes = (ctx: RuleContext, host: string): string[] =>
  (ctx.doc.vrouters ?? []).filter((v) => v.members.some((m) => m.host === host)).map((v) => `sitegen-${v.name}-`);

/**
 * A gateway unit is sitegen's own: not a unit the distribution ships, not another gateway's on the same host,
 * and not in the name space of a router's units on that host (two targets would write one file).
 */
export const unitNames: Rule = (ctx) => {
  const taken = new Map<string, string>(); // host/unit -> network
  ctx.doc.networks.forEach((n, i) => {
    const g = n.gateway;
    if (g?.on !== "host" || g.host === undefined) return;
    const unit = g.unit ?? `${n.name}-gw.service`;
    const path = ["networks", i, "gateway", g.unit === undefined ? "on" : "unit"];
    const own = unit === `${n.name}-gw.service` ? `gw-${n.name}.service` : `${n.name}-gw.service`;
    if (shipped(unit)) {
      ctx.report(
        path,
        "unit-not-ours",
        `unit ${unit} is one the distribution ships: installing the gateway's would replace it, and the rollback delete it`,
        `name the gateway's own unit, e.g. 'unit: ${own}'`,
      );
    }
    const router = routerPrefixes(ctx, g.host).find((p) => unit.startsWith(p));
    if (router) {
      ctx.report(
        path,
        "unit-clash",
        `unit ${unit} is in the name space of the router units on ${g.host} (${router}*.service)`,
        `name the gateway's unit apart from them, e.g. 'unit: ${own}'`,
      );
    }
    const other = taken.get(`${g.host}/${unit}`);
    if (other !== undefined) {
      ctx.report(
        path,
        "unit-clash",
        `unit ${unit} on ${g.host} is already network ${other}'s gateway unit`,
        `give each gateway its own unit, e.g. 'unit: ${own}'`,
      );
    } else taken.set(`${g.host}/${unit}`, n.name);
  });
};
