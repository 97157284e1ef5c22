// The NTP server in each member's router namespace (seed Stage 2): chrony (default) or ntpd, synced
// to the upstreams, serving only the management network, never steering the host's clock.
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter } from "../../resolve/vrouter.js";
import { format, parseAddress, parseCidr, type Cidr } from "../../net/cidr.js";
import { expand, perMember, type DaemonSpec } from "../netns/service.js";
import { reviewLines, type Target } from "../target.js";

const CONF = { chrony: "chrony.conf", ntpd: "ntp.conf" } as const;

function vm(site: Site, v: Vrouter) {
  const c = (parseCidr(v.management.cidr) as { ok: Cidr }).ok;
  const daemon = v.ntp!.daemon;
  return {
    header: headerText(site),
    router: v.name,
    namespace: v.namespace,
    vip: v.management.vip,
    cidr: v.management.cidr,
    network: format(4, c.first),
    mask: format(4, ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - c.prefix)) - 1n)),
    // a name may stand for a pool (several addresses): chrony and ntpd both take "pool" for names
    upstreams: v.ntp!.upstreams.map((u) => ({ name: u, pool: !parseAddress(u) })),
    run: expand(v, { daemon, config: { name: CONF[daemon], content: "" } }, "{run}"),
  };
}

export const ntpConf = (site: Site, v: Vrouter): string => render(`ntp/${CONF[v.ntp!.daemon]}`, vm(site, v));

/** ip netns exec binds /etc/netns/NS/resolv.conf over /etc/resolv.conf: the namespace's resolvers. */
const resolvConf = (site: Site, v: Vrouter) => ({
  dest: `/etc/netns/${v.namespace}/resolv.conf`,
  content:
    `# ${headerText(site)}\n# Resolvers for programs in namespace ${v.namespace} (the NTP server's upstream names).\n` +
    v.dns!.upstreams.map((u) => `nameserver ${u}\n`).join(""),
});

/** The NTP server never steers the member's own clock (text: templates/ntp/review-notes.hbs). */
const notes = (v: Vrouter) => (v.ntp ? v.members.flatMap((m) => reviewLines(m.host, "ntp/review-notes", { host: m.host, daemon: v.ntp!.daemon })) : []);

const spec =
  (site: Site) =>
  (v: Vrouter): DaemonSpec => {
    const d = v.ntp!.daemon;
    return {
      daemon: d,
      what: d === "chrony" ? "NTP (chronyd -x)" : "NTP (ntpd)",
      config: { name: CONF[d], content: ntpConf(site, v) },
      command:
        d === "chrony"
          ? ["/usr/sbin/chronyd", "-n", "-x", "-f", "{conf}"]
          : ["/usr/sbin/ntpd", "-n", "-u", "ntpsec:ntpsec", "-c", "{conf}", "-p", "{run}/ntpd.pid"],
      selfRunDir: d === "chrony",
      ...(v.ntp!.names ? { extra: [resolvConf(site, v)] } : {}),
    };
  };

export const ntp: Target = {
  name: "ntp",
  summary: "NTP for public-less nodes: chrony -x (or ntpd) in the router namespace serving the management network",
  checkedBy: ["chronyd", "ntpd", "systemd-analyze", "resolver"],
  plan: (site) => ({ ...perMember(site, (v) => v.ntp !== undefined, spec(site)), notes: site.vrouters.flatMap(notes) }),
};
