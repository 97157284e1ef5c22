// conntrackd in each member's router namespace (seed: "connection states between namespaces on
// controllers should be synchronized by conntrackd"): multicast on the management leg, FTFW between
// two members, NOTRACK among more (FTFW's sequence tracking is point-to-point). Under keepalived
// a systemd unit runs it on every member and keepalived's notify script (src/targets/keepalived)
// switches it between primary and backup; under Pacemaker the promotable ocf:heartbeat:conntrackd
// agent starts and switches it, through a wrapper that enters the namespace.
import { check } from "../../plan/checks.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import { withHa, type HaRouter, type Vrouter, type VrouterMember } from "../../resolve/vrouter.js";
import { configDir, daemon, runtimeDir, unitsStep, type FileSpec } from "../netns/service.js";
import { reviewLines, type Target } from "../target.js";

export const CONNTRACKD = "conntrackd";
export const conntrackdConf = (v: Vrouter) => `${configDir(v)}/conntrackd.conf`;
export const conntrackdWrapper = (v: Vrouter) => `${configDir(v)}/conntrackd-netns.sh`;
const run = (v: Vrouter) => `/run/${runtimeDir(v, CONNTRACKD)}`;

export function conntrackdConfText(site: Site, v: HaRouter, m: VrouterMember): string {
  const ha = v.ha;
  const ignore = [
    { address: v.management.vip, what: "management VIP" },
    { address: v.public.vip, what: "public VIP" },
    ...v.members.map((x) => ({ address: x.address!, what: `${x.host}'s namespace` })),
  ];
  return render("conntrackd/conntrackd.conf", {
    header: headerText(site),
    router: v.name,
    host: m.host,
    namespace: v.namespace,
    peers: v.members
      .filter((x) => x.host !== m.host)
      .map((x) => x.host)
      .join(", "),
    startedBy:
      ha.manager === "keepalived"
        ? `Started by sitegen-${v.name}-conntrackd.service; keepalived's notify script (ha-notify.sh) switches it.`
        : `Started and promoted by Pacemaker (ocf:heartbeat:conntrackd, through ${conntrackdWrapper(v)}).`,
    ftfw: ha.sync.mode === "ftfw",
    mode: ha.sync.mode.toUpperCase(),
    count: v.members.length,
    group: ha.sync.group,
    port: ha.sync.port,
    address: m.address!,
    link: v.management.link,
    run: run(v),
    ignore,
  });
}

function pacemakerStep(site: Site, v: HaRouter, m: VrouterMember) {
  const wrapper = render("conntrackd/netns-wrapper.sh", { header: headerText(site), namespace: v.namespace, run: run(v) });
  const files: FileSpec[] = [
    { dest: conntrackdConf(v), content: conntrackdConfText(site, v, m) },
    { dest: conntrackdWrapper(v), content: wrapper, mode: 0o755 },
  ];
  return unitsStep({
    id: `vrouter-${v.name}-${CONNTRACKD}`,
    host: m.host,
    files,
    units: [],
    byCluster: true,
    title: `install ${conntrackdConf(v)} and ${conntrackdWrapper(v)}, through which Pacemaker's conntrackd agent runs conntrackd inside ${v.namespace}`,
    checks: files.map((f) => check("file", { path: f.dest })),
  });
}

export const conntrackd: Target = {
  name: "conntrackd",
  summary:
    "connection-state sync for failover: conntrackd (FTFW for two members, NOTRACK for more; multicast on the management leg) " +
    "in each member's router namespace",
  checkedBy: ["conntrackd", "shellcheck", "systemd-analyze"],
  plan: (site) => {
    const made = site.vrouters.filter(withHa).flatMap((v) =>
      v.members.map((m) =>
        v.ha.manager === "pacemaker"
          ? pacemakerStep(site, v, m)
          : daemon(site, v, m, {
              daemon: CONNTRACKD,
              what: "connection-state sync (conntrackd)",
              config: { name: "conntrackd.conf", content: conntrackdConfText(site, v, m) },
              command: ["/usr/sbin/conntrackd", "-C", "{conf}"],
            }),
      ),
    );
    // on every member, what shows the sync working (text: templates/conntrackd/review-tests.hbs)
    const tests = site.vrouters
      .filter(withHa)
      .flatMap((v) =>
        v.members.flatMap((m) => reviewLines(m.host, "conntrackd/review-tests", { ct: `ip netns exec ${v.namespace} conntrackd -C ${conntrackdConf(v)}` })),
      );
    return { steps: made.map((x) => x.step), artifacts: made.flatMap((x) => x.artifacts), tests };
  },
};
