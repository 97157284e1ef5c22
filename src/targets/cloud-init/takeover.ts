// A deployed public-less node hands every default route, its resolver and its time daemons to the
// router's management VIP, and gets back exactly what the takeover changed: node-takeover.py records
// first (once) and the inverse restores only that, keeping what the node gained since; a file it must
// restore that was edited since is a STOP with the difference, never an overwrite. Where netplan owns
// the node's bridge the change is netplan's own (every interface's default routes and resolvers leave
// the node's netplan files, the drop-in's come in) and survives reboots; other managers' routes, and
// everything on a node whose bridge netplan does not own, are changed live and last until their owner
// reconfigures them (REVIEW.md says so).
import { check } from "../../plan/checks.js";
import { fileThere, netplan, program, unitOp, type Action, type Program } from "../../plan/actions.js";
import { installed, type Installed } from "../../plan/files.js";
import type { Artifact, Step } from "../../plan/types.js";
import type { Rated } from "../../plan/disruption.js";
import { hashHeader, headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import { toYaml } from "../../render/yaml.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterNode } from "../../resolve/vrouter.js";

export const dropInPath = (v: Vrouter) => `/etc/netplan/60-sitegen-${v.name}.yaml`;
export const takeoverScript = (v: Vrouter) => `/etc/sitegen/${v.name}/node-takeover.py`;
/** What the node had before, kept until the rollback gives it back. */
export const savedDir = (v: Vrouter) => `/var/lib/sitegen/${v.name}/node-before`;
const NETPLAN = { path: "/etc/netplan" };
const RESOLV = { path: "/etc/resolv.conf" };
const ETC = { path: "/etc" };

/** netplan owns the bridge: the takeover is netplan's own and survives reboots. */
export const viaNetplan = (n: VrouterNode) => n.bridge.owner === "netplan";

/** Only what changes (route and DNS); the bridge and its address are already netplan's. */
function dropIn(site: Site, v: Vrouter, n: VrouterNode): string {
  const dns = v.dns ? { nameservers: { addresses: [v.management.vip], ...(v.dns.domain ? { search: [v.dns.domain] } : {}) } } : {};
  const bridge = { routes: [{ to: "default", via: v.management.vip }], ...dns };
  const network = { version: 2, bridges: { [n.bridge.name]: bridge } };
  return `${hashHeader(site)}# merged by netplan into its own definition of ${n.bridge.name}\n${toYaml({ network })}`;
}

export interface NodeFiles {
  script: Installed;
  dropIn?: Installed;
}

export function nodeFiles(site: Site, v: Vrouter, n: VrouterNode): NodeFiles {
  const vm = {
    header: headerText(site),
    host: n.host,
    router: v.name,
    vip: v.management.vip,
    bridge: n.bridge.name,
    dns: v.dns !== undefined,
    ntp: v.ntp !== undefined,
    fallback: v.fallbackGateway,
  };
  return {
    script: installed(n.host, takeoverScript(v), render("cloud-init/node-takeover.py", vm), 0o755),
    ...(viaNetplan(n) ? { dropIn: installed(n.host, dropInPath(v), dropIn(site, v, n), 0o600) } : {}),
  };
}

export const nodeArtifacts = (f: NodeFiles): Artifact[] => [f.script, f.dropIn].filter((x): x is Installed => x !== undefined).map((x) => x.artifact);

type Arg = string | { path: string };
/** The script's subcommands, with the node's paths rooted like installed files, each saying what it does to the node. */
const py = (v: Vrouter, effect: Rated, ...args: Arg[]): Program => program(["python3", { path: takeoverScript(v) }, ...args], effect);
/** A give-back: only while the script is there, so a second rollback (the first removed it) has nothing left to do. */
const giveBack = (v: Vrouter, effect: Rated, ...args: Arg[]): Program => ({ ...py(v, effect, ...args), onlyIf: fileThere(takeoverScript(v)) });
/** Records, and files whose effect comes from the netplan apply or daemon reread after them. */
const FILES: Rated = { cls: "none", why: "a record or a file; nothing live changes" };

/**
 * The change itself. Every IPv4 default route goes, whichever link and manager it has: netplan's
 * leave its files (stripped, the drop-in's comes in), the rest are deleted live (take-routes). The
 * give-back runs the restores that may STOP (a file edited since) before anything else changes.
 */
function takeover(v: Vrouter, n: VrouterNode, f: NodeFiles): { apply: Action[]; inverse: Action[] } {
  const saved = { path: savedDir(v) };
  const routes: Rated = { cls: "session", why: `the node's own default routes, on every link (the VIP's on ${n.bridge.name})` };
  const record = py(v, FILES, "save-live", saved);
  const take = py(v, routes, "take-routes");
  const back = giveBack(v, routes, "restore-routes", saved);
  if (f.dropIn) {
    const dropInName = dropInPath(v).split("/").pop()!;
    return {
      apply: [record, py(v, FILES, "strip-netplan", NETPLAN, saved, dropInName), f.dropIn.install, netplan("generate"), netplan("apply"), take],
      inverse: [giveBack(v, FILES, "restore-netplan", NETPLAN, saved), f.dropIn.remove, netplan("apply"), back],
    };
  }
  const resolv: Rated = { cls: "service", why: "the node's resolver" };
  return {
    apply: [record, ...(v.dns ? [py(v, resolv, "take-resolv", RESOLV, saved)] : []), take],
    inverse: [...(v.dns ? [giveBack(v, resolv, "restore-resolv", RESOLV, saved)] : []), back],
  };
}

/** Each time daemon the node has points at the VIP (take-ntp finds them); a running one rereads its sources. */
function timeSources(v: Vrouter): { apply: Action[]; inverse: Action[] } {
  if (!v.ntp) return { apply: [], inverse: [] };
  const saved = { path: savedDir(v) };
  const why = "the node's time daemon rereads its sources";
  // reload or restart only a running daemon: a stopped one reads its files when it starts, and starting one here would
  // put two daemons on the clock
  const reread = [
    program(["chronyc", "reload", "sources"], { cls: "reload", why }, { onlyIf: { kind: "process", name: "chronyd" } }),
    // by unit, not by process: an ntpd of the classic ntp package is no ntpsec.service
    ...["systemd-timesyncd.service", "ntpsec.service"].map((unit) =>
      unitOp("try-restart", unit, { onlyIfActive: true, serves: { kind: "daemon", what: "the node's time daemon" } }),
    ),
  ];
  return {
    apply: [py(v, FILES, "take-ntp", ETC, saved), ...reread],
    // a daemon that does not answer must not leave the node's routes taken over: the give-back goes on
    inverse: [giveBack(v, FILES, "restore-ntp", ETC, saved), ...reread.map((a) => ({ ...a, mayFail: true }))],
  };
}

export function nodeStep(site: Site, v: Vrouter, n: VrouterNode): Step {
  const f = nodeFiles(site, v, n);
  const t = takeover(v, n, f);
  const ntp = timeSources(v);
  const how = f.dropIn
    ? `netplan: every link's default route${v.dns ? " and resolvers" : ""} saved, then replaced by a drop-in; other managers' routes live`
    : `live, until ${n.bridge.owner} reconfigures ${n.bridge.name}`;
  const what = `route${v.dns ? ", resolve" : ""}${v.ntp ? " and sync time" : ""} through ${v.name}'s management VIP ${v.management.vip}`;
  return {
    id: `vrouter-${v.name}-node`,
    host: n.host,
    phase: "nodes",
    title: `${what} (${how}${v.ntp ? "; each time daemon found" : ""}); the rollback gives back what the takeover changed`,
    apply: [f.script.install, ...t.apply, ...ntp.apply],
    verify: [check("default-via", { via: v.management.vip }), ...(v.ntp ? [check("time-source", { via: v.management.vip })] : [])],
    // every STOP first, so that a rollback stops before it changes anything; the time daemons before the routes,
    // whose restore forgets the record
    inverse: [
      giveBack(v, FILES, "check-give-back", f.dropIn ? NETPLAN : "-", v.dns && !f.dropIn ? RESOLV : "-", v.ntp ? ETC : "-", { path: savedDir(v) }),
      ...ntp.inverse,
      ...t.inverse,
      f.script.remove,
    ],
  };
}
