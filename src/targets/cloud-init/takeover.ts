// A deployed public-less node hands its default route, resolver and NTP source to the router's
// management VIP, keeping what it had: node-takeover.py saves it first (once) and the inverse gives
// it back byte for byte and route for route. Where netplan owns the node's bridge the change is
// netplan's own (the old default route and resolvers leave the node's netplan files, the drop-in's
// come in) and survives reboots; elsewhere it is made live and lasts until the bridge's owner
// reconfigures it (REVIEW.md says so).
import { check } from "../../plan/checks.js";
import { fileThere, netplan, program, type Action, type Program } from "../../plan/actions.js";
import { installed, type Installed } from "../../plan/files.js";
import type { Artifact, Step } from "../../plan/types.js";
import type { Rated } from "../../plan/disruption.js";
import { hashHeader, headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import { toYaml } from "../../render/yaml.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterNode } from "../../resolve/vrouter.js";

export const dropInPath = (v: Vrouter) => `/etc/netplan/60-sitegen-${v.name}.yaml`;
export const chronySourcePath = (v: Vrouter) => `/etc/chrony/sources.d/sitegen-${v.name}.sources`;
export const takeoverScript = (v: Vrouter) => `/etc/sitegen/${v.name}/node-takeover.py`;
/** What the node had before, kept until the rollback gives it back. */
export const savedDir = (v: Vrouter) => `/var/lib/sitegen/${v.name}/node-before`;
const NETPLAN = { path: "/etc/netplan" };
const RESOLV = { path: "/etc/resolv.conf" };

/** netplan owns the bridge: the takeover is netplan's own and survives reboots. */
export const viaNetplan = (n: VrouterNode) => n.bridge.owner === "netplan";

/** Only what changes (route and DNS); the bridge and its address are already netplan's. */
function dropIn(site: Site, v: Vrouter, n: VrouterNode): string {
  const dns = v.dns ? { nameservers: { addresses: [v.management.vip], ...(v.dns.domain ? { search: [v.dns.domain] } : {}) } } : {};
  const bridge = { routes: [{ to: "default", via: v.management.vip }], ...dns };
  const network = { version: 2, bridges: { [n.bridge.name]: bridge } };
  return `${hashHeader(site)}# merged by netplan into its own definition of ${n.bridge.name}\n${toYaml({ network })}`;
}

export interface NodeFiles { script: Installed; dropIn?: Installed; chrony?: Installed }

export function nodeFiles(site: Site, v: Vrouter, n: VrouterNode): NodeFiles {
  const vm = { header: headerText(site), host: n.host, router: v.name, vip: v.management.vip, bridge: n.bridge.name, dns: v.dns !== undefined };
  return {
    script: installed(n.host, takeoverScript(v), render("cloud-init/node-takeover.py", vm), 0o755),
    ...(viaNetplan(n) ? { dropIn: installed(n.host, dropInPath(v), dropIn(site, v, n), 0o600) } : {}),
    ...(v.ntp ? { chrony: installed(n.host, chronySourcePath(v), `${hashHeader(site)}server ${v.management.vip} iburst\n`) } : {}),
  };
}

export const nodeArtifacts = (f: NodeFiles): Artifact[] => [f.script, f.dropIn, f.chrony].filter((x): x is Installed => x !== undefined).map((x) => x.artifact);

type Arg = string | { path: string };
/** The script's subcommands, with the node's paths rooted like installed files, and what each does live. */
const py = (v: Vrouter, effect: Rated, ...args: Arg[]): Program => program(["python3", { path: takeoverScript(v) }, ...args], effect);
/** A give-back: only while the script is there, so a second rollback (the first removed it) has nothing left to do. */
const giveBack = (v: Vrouter, effect: Rated, ...args: Arg[]): Program => ({ ...py(v, effect, ...args), onlyIf: fileThere(takeoverScript(v)) });
/** Saving, or editing netplan's files: nothing is live until netplan apply. */
const filesOnly = (why: string): Rated => ({ cls: "none", why });

/** The change itself: netplan's files (saved, stripped, the drop-in) or the live route and resolver. */
function takeover(v: Vrouter, n: VrouterNode, f: NodeFiles): { apply: Action[]; inverse: Action[] } {
  const saved = { path: savedDir(v) };
  if (f.dropIn) {
    const dropInName = dropInPath(v).split("/").pop()!;
    return {
      apply: [
        py(v, filesOnly("saves the node's netplan files"), "save-netplan", NETPLAN, saved),
        py(v, filesOnly(`edits netplan's files (${n.bridge.name}'s default route and resolvers)`), "strip-netplan", NETPLAN, dropInName),
        f.dropIn.install, netplan("generate"), netplan("apply"),
      ],
      inverse: [f.dropIn.remove, giveBack(v, filesOnly("restores the node's netplan files"), "restore-netplan", NETPLAN, saved), netplan("apply")],
    };
  }
  const hostRoute: Rated = { cls: "session", why: `the host's own default route (on ${n.bridge.name})` };
  return {
    apply: [py(v, filesOnly("saves the node's routes and resolver"), "save-live", saved, RESOLV), py(v, hostRoute, "take-live", RESOLV)],
    inverse: [giveBack(v, hostRoute, "restore-live", saved, RESOLV)],
  };
}

export function nodeStep(site: Site, v: Vrouter, n: VrouterNode): Step {
  // reload only a running chronyd; a stopped one reads sources.d when it starts
  const reload = program(["chronyc", "reload", "sources"], { cls: "reload", why: "chronyd re-reads its sources" },
    { onlyIf: { kind: "process", name: "chronyd" } });
  const f = nodeFiles(site, v, n);
  const t = takeover(v, n, f);
  const how = f.dropIn ? `netplan: ${n.bridge.name}'s old default route${v.dns ? " and resolvers" : ""} saved, then replaced by a drop-in`
    : `live, until ${n.bridge.owner} reconfigures ${n.bridge.name}`;
  const what = `route${v.dns ? ", resolve" : ""}${v.ntp ? " and sync time" : ""} through ${v.name}'s management VIP ${v.management.vip}`;
  return {
    id: `vrouter-${v.name}-node`, host: n.host, phase: "nodes",
    title: `${what} (${how}${f.chrony ? "; chrony source" : ""}); the rollback gives back what the node had`,
    apply: [f.script.install, ...t.apply, ...(f.chrony ? [f.chrony.install, reload] : [])],
    verify: [check("default-via", { via: v.management.vip })],
    // a chronyd that does not answer (reload fails) must not leave the node's routes taken over: the give-back goes on
    inverse: [...(f.chrony ? [f.chrony.remove, { ...reload, mayFail: true }] : []), ...t.inverse, f.script.remove],
  };
}
