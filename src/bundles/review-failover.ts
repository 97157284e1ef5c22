// REVIEW.md's failover section per router with 'ha': the facts its manager's template states
// (templates/review/failover/<manager>.hbs: settings, the failover path step by step, and plainly
// what sitegen's own tests exercised live and what they did not).
import type { Site } from "../resolve/site.js";
import { byKeepalived, byPacemaker, withHa, type HaRouter, type KeepalivedHa, type PacemakerHa } from "../resolve/vrouter.js";
import { conntrackdConf } from "../targets/conntrackd/index.js";
import { AUTH_PARAM, authFile, downSeconds, notifyScript, transitionsFile } from "../targets/keepalived/index.js";
import { cibFragment, pcsScript } from "../targets/pacemaker/index.js";

const sec = (s: number) => `${s.toFixed(1)} s`;

/** What both managers' sections say: names, priorities, the sync channel, why SNAT and the sync mode. */
function common(v: HaRouter) {
  return {
    name: v.name, manager: v.ha.manager, namespace: v.namespace, gateway: v.gateway, mgmtLink: v.management.link, pubLink: v.public.link, pubVip: v.public.vip,
    prios: v.members.map((m) => `${m.host} ${m.priority}`).join(", "), preempt: v.ha.preempt,
    syncMode: v.ha.sync.mode.toUpperCase(), syncGroup: v.ha.sync.group, syncPort: v.ha.sync.port, conntrackdConf: conntrackdConf(v),
    masquerade: v.nat.masquerade, ftfw: v.ha.sync.mode === "ftfw", count: v.members.length,
  };
}

function keepalivedVm(v: HaRouter<KeepalivedHa>) {
  const k = v.ha.vrrp;
  return {
    ...common(v), vrid: k.vrid, interval: k.interval, authVar: k.authVar ?? "", authParam: AUTH_PARAM, authFile: authFile(v),
    first: v.members.find((m) => m.primary)!.host, mgmtVipAddr: v.management.vipAddr, pubVipAddr: v.public.vipAddr,
    down: v.members.map((m) => ({ host: m.host, seconds: sec(downSeconds(v, m)) })),
    slowest: sec(Math.max(...v.members.map((m) => downSeconds(v, m)))), advert: sec(k.interval),
    notify: notifyScript(v), transitions: transitionsFile(v),
  };
}

function pacemakerVm(v: HaRouter<PacemakerHa>) {
  return { ...common(v), prefix: v.ha.prefix, pcsScript: pcsScript(v), cibFragment: cibFragment(v), stickiness: v.ha.preempt ? 0 : 1000 };
}

export function failoverSections(site: Site) {
  return site.vrouters.filter(withHa).flatMap((v): object[] => (byKeepalived(v) ? [keepalivedVm(v)] : byPacemaker(v) ? [pacemakerVm(v)] : []));
}
