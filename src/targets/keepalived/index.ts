// keepalived (VRRP) in each member's router namespace: the VIPs and the default route out of the
// public leg follow the active member; its notify script switches conntrackd (src/targets/conntrackd).
// The VRRP password comes from an Ansible vault variable at install time and never reaches out/.
import type { Secret } from "../../plan/actions.js";
import { gate, type HostGate } from "../../plan/gates.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import { byKeepalived, type HaRouter, type KeepalivedHa, type Vrouter, type VrouterMember } from "../../resolve/vrouter.js";

type KRouter = HaRouter<KeepalivedHa>;
import { CONNTRACKD, conntrackdConf } from "../conntrackd/index.js";
import { failoverFacts, seconds } from "../conntrackd/review.js";
import { configDir, daemon, runtimeDir, unitName, vipProbes, type DaemonSpec } from "../netns/service.js";
import { reviewLines, type Target } from "../target.js";

export const KEEPALIVED = "keepalived";
export const AUTH_PARAM = "VRRP_AUTH_PASS";
/** keepalived uses at most 8 characters of a PASS password; these characters survive its config parser. */
export const AUTH_PATTERN = "^[A-Za-z0-9%+,.:@_-]{1,8}$";
export const notifyScript = (v: Vrouter) => `${configDir(v)}/ha-notify.sh`;
export const authFile = (v: Vrouter) => `${configDir(v)}/vrrp-auth.conf`;
/** Where the notify script records each transition (time, state). */
export const transitionsFile = (v: Vrouter) => `/run/${runtimeDir(v, KEEPALIVED)}/transitions`;
/** A backup declares the active member dead after three missed adverts plus a skew below one interval. */
export const downSeconds = (v: KRouter, m: VrouterMember) => 3 * v.ha.vrrp.interval + ((256 - m.priority) * v.ha.vrrp.interval) / 256;

export function keepalivedConf(site: Site, v: KRouter, m: VrouterMember): string {
  const k = v.ha.vrrp;
  return render("keepalived/keepalived.conf", {
    header: headerText(site),
    router: v.name,
    host: m.host,
    namespace: v.namespace,
    peers: v.members
      .filter((x) => x.host !== m.host)
      .map((x) => `${x.host} ${x.priority}`)
      .join(", "),
    missed: 3,
    downSeconds: downSeconds(v, m).toFixed(1),
    authFile: k.authVar ? authFile(v) : "",
    authVar: k.authVar ?? "",
    authParam: AUTH_PARAM,
    mgmt: v.management.link,
    pub: v.public.link,
    vrid: k.vrid,
    priority: m.priority,
    interval: k.interval,
    preempt: v.ha.preempt,
    mgmtVip: v.management.vipAddr,
    pubVip: v.public.vipAddr,
    gateway: v.gateway,
    notify: notifyScript(v),
  });
}

export function authSecret(v: KRouter): Secret[] {
  const name = v.ha.vrrp.authVar;
  if (!name) return [];
  const why = "keepalived's VRRP password (PASS) is 1-8 characters";
  return [{ kind: "secret", dest: authFile(v), name, prefix: `$${AUTH_PARAM}=`, pattern: AUTH_PATTERN, why }];
}

const notifyText = (site: Site, v: KRouter) =>
  render("keepalived/ha-notify.sh", { header: headerText(site), router: v.name, namespace: v.namespace, conf: conntrackdConf(v), state: transitionsFile(v) });

function spec(site: Site, v: KRouter, m: VrouterMember): DaemonSpec {
  return {
    daemon: KEEPALIVED,
    what: `VRRP (keepalived, virtual_router_id ${v.ha.vrrp.vrid}, priority ${m.priority})`,
    config: { name: "keepalived.conf", content: keepalivedConf(site, v, m) },
    // --all-config: a missing include (the password file) is an error, not a silent default
    command: [
      "/usr/sbin/keepalived",
      "--dont-fork",
      "--log-console",
      "--vrrp",
      "--all-config",
      "--use-file={conf}",
      "--pid={run}/keepalived.pid",
      "--vrrp_pid={run}/vrrp.pid",
    ],
    // keepalived runs the notify script on each transition: a new version of it needs no reload
    extra: [{ dest: notifyScript(v), mode: 0o755, content: notifyText(site, v), eachUse: true }],
    // keepalived rereads keepalived.conf on SIGHUP and keeps each VRRP instance's state (no VIP moves);
    // its parser takes both # and ! as comments
    reloadSignal: "HUP",
    comment: "#!",
    secrets: authSecret(v),
    after: [unitName(v, CONNTRACKD)],
    // a start, stop or restart changes who holds the VIPs: this member joins, leaves or re-enters the election
    serves: { kind: "vrrp", router: v.name, vips: [v.management.vip, v.public.vip] },
  };
}

function vrrpGate(v: KRouter, m: VrouterMember): HostGate {
  const k = v.ha.vrrp;
  const bridge = m.bridges.management.name;
  const title =
    `no router but ${v.name}'s members sends VRRP adverts with virtual_router_id ${k.vrid} on ${bridge}, ` +
    "and while none does, nobody holds its VIPs (ARP/NS)";
  // about three advert intervals
  const seconds = String(3 * k.interval + 1);
  return gate(m.host, "vrrp-segment", `vrid ${k.vrid}`, title, {
    bridge,
    vrid: String(k.vrid),
    members: v.members.map((x) => x.address!).join(" "),
    probes: vipProbes(v, m),
    seconds,
  });
}

/** REVIEW.md's failover section: settings, the path step by step, what was tested (templates/keepalived/review-failover.hbs). */
function section(v: KRouter): string {
  const k = v.ha.vrrp;
  return render("keepalived/review-failover", {
    ...failoverFacts(v),
    vrid: k.vrid,
    interval: k.interval,
    authVar: k.authVar ?? "",
    authParam: AUTH_PARAM,
    authFile: authFile(v),
    first: v.members.find((m) => m.primary)!.host,
    mgmtVipAddr: v.management.vipAddr,
    pubVipAddr: v.public.vipAddr,
    down: v.members.map((m) => ({ host: m.host, seconds: seconds(downSeconds(v, m)) })),
    slowest: seconds(Math.max(...v.members.map((m) => downSeconds(v, m)))),
    advert: seconds(k.interval),
    notify: notifyScript(v),
    transitions: transitionsFile(v),
  }).trimEnd();
}

export const keepalived: Target = {
  name: "keepalived",
  summary: "VIP failover by VRRP: keepalived in each member's router namespace, notify script switching conntrackd, password from an Ansible vault variable",
  checkedBy: ["keepalived", "shellcheck", "systemd-analyze"],
  plan: (site) => {
    const vs = site.vrouters.filter(byKeepalived);
    const made = vs.flatMap((v) => v.members.map((m) => daemon(site, v, m, spec(site, v, m))));
    return {
      steps: made.map((x) => x.step),
      artifacts: made.flatMap((x) => x.artifacts),
      gates: vs.flatMap((v) => v.members.map((m) => vrrpGate(v, m))),
      tests: vs.flatMap((v) => v.members.flatMap((m) => reviewLines(m.host, "keepalived/review-tests", { name: v.name, transitions: transitionsFile(v) }))),
      sections: vs.map(section),
    };
  },
};
