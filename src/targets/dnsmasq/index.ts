// dnsmasq in each member's router namespace (seed Stage 2): listens on the management VIP only,
// answers only the management network (the namespace's filter), forwards to the upstreams.
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter } from "../../resolve/vrouter.js";
import { expand, perMember, type DaemonSpec } from "../netns/service.js";
import type { Target } from "../target.js";

const NAME = { daemon: "dnsmasq", config: { name: "dnsmasq.conf", content: "" } };

export function dnsmasqConf(site: Site, v: Vrouter): string {
  return render("dnsmasq/dnsmasq.conf", {
    header: headerText(site),
    router: v.name,
    namespace: v.namespace,
    vip: v.management.vip,
    cidr: v.management.cidr,
    upstreams: v.dns!.upstreams,
    run: expand(v, NAME, "{run}"),
  });
}

export const dnsmasq: Target = {
  name: "dnsmasq",
  summary: "DNS for public-less nodes: dnsmasq in the router namespace on the management VIP, with a systemd unit",
  checkedBy: ["dnsmasq", "systemd-analyze"],
  plan: (site) =>
    perMember(
      site,
      (v) => v.dns !== undefined,
      (v): DaemonSpec => ({
        ...NAME,
        what: "DNS (dnsmasq)",
        config: { name: NAME.config.name, content: dnsmasqConf(site, v) },
        command: ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file={conf}"],
      }),
    ),
};
