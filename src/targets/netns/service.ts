// A daemon run inside a virtual router's namespace: its config file, a systemd unit that starts it
// there with `ip netns exec`, and the services step that installs both, with its inverse. Under
// Pacemaker (ha.manager pacemaker) the unit is installed but neither enabled nor started: the
// cluster starts it (src/targets/pacemaker).
import { daemonReload, unitOp, type Action, type FileMode, type Secret, type UnitServes } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import type { DaemonChange, DaemonFile } from "../../plan/daemon-meaning.js";
import { installed } from "../../plan/files.js";
import type { Artifact, Check, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterMember } from "../../resolve/vrouter.js";

/** A file a step installs: dest on the host (its copy in out/ is hosts/<host>/files/<name>, plan/files.ts). */
export interface FileSpec {
  dest: string;
  content: string;
  mode?: FileMode;
  /** The daemon runs this file on each use (a notify script): a new version needs no reload. Default: read at start. */
  eachUse?: boolean;
}

export interface DaemonSpec {
  daemon: string; // dnsmasq, chrony, ntpd, keepalived, conntrackd
  what: string; // for titles: "DNS (dnsmasq)"
  config: { name: string; content: string };
  /** Argv after `ip netns exec NS`; {conf} and {run} are replaced by the config path and runtime directory. */
  command: string[];
  /** The daemon creates its /run directory itself (chronyd does, owned by the user it drops to). */
  selfRunDir?: boolean;
  /** Further files the daemon needs (e.g. the namespace's resolv.conf), installed and removed with it. */
  extra?: FileSpec[];
  /** Secrets written at install time, never into out/ (keepalived's VRRP password). */
  secrets?: Secret[];
  /** Units this one starts after (and wants). */
  after?: string[];
  /** What the daemon keeps alive, when more than its service (keepalived: the router's VIPs). */
  serves?: UnitServes;
  /**
   * The daemon rereads its config on this signal (the unit's ExecReload; keepalived: SIGHUP), so a changed
   * config is a reload, never a restart. Without it a changed config restarts the daemon.
   */
  reloadSignal?: "HUP";
  /** The config's comment characters where they are not only `#` (keepalived also takes `!`). */
  comment?: string;
}

export const configDir = (v: Vrouter) => `/etc/sitegen/${v.name}`;
export const unitName = (v: Vrouter, daemon: string) => `sitegen-${v.name}-${daemon}.service`;
export const runtimeDir = (v: Vrouter, daemon: string) => `sitegen-${v.name}-${daemon}`;
export const unitPath = (unit: string) => `/etc/systemd/system/${unit}`;
/** Pacemaker starts the router's units; systemd must not (no enable, no start). */
export const clusterStarted = (v: Vrouter) => v.ha?.manager === "pacemaker";

export function expand(v: Vrouter, d: Pick<DaemonSpec, "daemon" | "config">, s: string): string {
  return s.replace("{conf}", `${configDir(v)}/${d.config.name}`).replace("{run}", `/run/${runtimeDir(v, d.daemon)}`);
}

/** What a services step installs and starts. */
export interface UnitsSpec {
  id: string;
  host: string;
  title: string;
  files: FileSpec[];
  units: string[];
  /** Pacemaker starts the units: install them only (no enable, no start). */
  byCluster: boolean;
  secrets?: Secret[];
  checks?: Check[];
  /** What the units keep alive, rating starting, stopping and restarting them (systemd-started units only). */
  serves?: UnitServes;
  /** What the daemon's files mean to it (see Step.daemon). */
  daemon?: DaemonChange;
  /** Reload (the unit has ExecReload; a stopped unit is started) instead of restart after the files. */
  reload?: boolean;
}

/**
 * The step that installs files and units: started and enabled by systemd, or (byCluster) only
 * installed, for Pacemaker to start. The inverse stops what systemd started, removes every file
 * (secrets too) and reloads systemd.
 */
export function unitsStep(u: UnitsSpec): { step: Step; artifacts: Artifact[] } {
  const placed = u.files.map((f) => installed(u.host, f.dest, f.content, f.mode));
  const secrets = u.secrets ?? [];
  const reload: Action[] = u.units.length ? [daemonReload] : [];
  const serves = u.serves ? { serves: u.serves } : {};
  const start = u.byCluster ? [] : u.units.flatMap((x) => [unitOp("enable", x), unitOp(u.reload ? "reload" : "restart", x, serves)]);
  const step: Step = {
    id: u.id,
    host: u.host,
    phase: "services",
    title: u.title,
    apply: [...secrets, ...placed.map((f) => f.install), ...reload, ...start],
    verify: [...(u.checks ?? []), ...u.units.map((unit) => (u.byCluster ? check("unit-file", { unit }) : check("unit", { unit })))],
    inverse: [
      ...(u.byCluster ? [] : [...u.units].reverse().map((x) => unitOp("disable", x, { now: true, onlyIfInstalled: true, ...serves }))),
      ...secrets.map((f): Action => ({ kind: "remove", dest: f.dest })),
      ...placed.map((f) => f.remove),
      ...reload,
    ],
    ...(u.daemon ? { daemon: u.daemon } : {}),
  };
  return { step, artifacts: placed.map((f) => f.artifact) };
}

/** The systemd unit that runs d inside v's namespace (byCluster: for Pacemaker to start, not systemd). */
function daemonUnit(site: Site, v: Vrouter, d: DaemonSpec, unit: string, byCluster: boolean): FileSpec {
  return {
    dest: unitPath(unit),
    content: render("systemd/netns-daemon.service", {
      header: headerText(site),
      description: `${d.what} for virtual router ${v.name}, inside network namespace ${v.namespace}`,
      router: v.name,
      namespace: v.namespace,
      runtimeDir: runtimeDir(v, d.daemon),
      selfRunDir: d.selfRunDir ?? false,
      daemon: d.daemon,
      command: d.command.map((w) => expand(v, d, w)).join(" "),
      after: d.after ?? [],
      cluster: byCluster,
      reloadSignal: d.reloadSignal ?? "",
    }),
  };
}

/** What one of the daemon's files is to it: its unit, a file it reads at each use, or its config. */
function fileRole(f: FileSpec, unit: string, d: DaemonSpec): DaemonFile {
  return f.dest === unitPath(unit)
    ? { dest: f.dest, role: "unit", syntax: "systemd-unit" }
    : f.eachUse
      ? { dest: f.dest, role: "runs-each-time" }
      : { dest: f.dest, role: "config", syntax: "hash-comments", ...(d.comment ? { comment: d.comment } : {}) };
}

export function daemon(site: Site, v: Vrouter, m: VrouterMember, d: DaemonSpec): { step: Step; artifacts: Artifact[] } {
  const unit = unitName(v, d.daemon);
  const conf = `${configDir(v)}/${d.config.name}`;
  const byCluster = clusterStarted(v);
  const files: FileSpec[] = [{ dest: conf, content: d.config.content }, ...(d.extra ?? []), daemonUnit(site, v, d, unit, byCluster)];
  const change: DaemonChange = { unit, byCluster, live: d.reloadSignal ? "reload" : "restart", files: files.map((f) => fileRole(f, unit, d)) };
  const secret = (d.secrets ?? []).map((s) => `, write ${s.dest} (0600) from ${s.name}`).join("");
  const title = byCluster
    ? `install ${conf} and ${unit}, which runs ${d.what} inside ${v.namespace}${secret}; Pacemaker starts it, not systemd`
    : `install ${conf} and ${unit}, which runs ${d.what} inside ${v.namespace}${secret}, and (re)start it`;
  const secretChecks = (d.secrets ?? []).map((s) => check("secret-file", { path: s.dest }));
  const id = `vrouter-${v.name}-${d.daemon}`;
  const serves = d.serves ?? { kind: "daemon", what: d.what };
  return unitsStep({
    id,
    host: m.host,
    title,
    files,
    units: [unit],
    byCluster,
    secrets: d.secrets ?? [],
    checks: secretChecks,
    serves,
    daemon: { ...change, serves },
    reload: d.reloadSignal !== undefined,
  });
}

/** Run f for every member of every router that has the service, and gather steps and files. */
export function perMember(site: Site, has: (v: Vrouter) => boolean, f: (v: Vrouter, m: VrouterMember) => DaemonSpec) {
  const made = site.vrouters.filter(has).flatMap((v) => v.members.map((m) => daemon(site, v, m, f(v, m))));
  return { steps: made.map((x) => x.step), artifacts: made.flatMap((x) => x.artifacts) };
}

/** DEV=ADDR for each VIP the audit probes by ARP/NS from member m; @VID=ADDR for a tagged leg, which the untagged bridge cannot reach (a WARN). */
export const vipProbes = (v: Vrouter, m: VrouterMember): string[] =>
  [v.management, v.public].map((l) => `${l.vlan === undefined ? m.bridges[l.role].name : `@${l.vlan}`}=${l.vip}`);
