// A daemon run inside a virtual router's namespace: its config file, a systemd unit that starts it
// there with `ip netns exec`, and the services step that installs both, with its inverse. Under
// Pacemaker (ha.manager pacemaker) the unit is installed but neither enabled nor started: the
// cluster starts it (src/targets/pacemaker).
import type { Action, Artifact, Check, Secret, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterMember } from "../../resolve/vrouter.js";

/** A file a step installs: hosts/<host>/files<dest> in out/, dest on the host. */
export interface FileSpec { dest: string; content: string; mode?: "0644" | "0755" }

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

/** Files as install actions and out/ artifacts of one host. */
export const installs = (files: FileSpec[]): Action[] => files.map((f) => ({ kind: "install", dest: f.dest, mode: f.mode ?? "0644" }));
export const artifactsOf = (host: string, files: FileSpec[]): Artifact[] =>
  files.map((f) => ({ path: `hosts/${host}/files${f.dest}`, content: f.content, mode: f.mode === "0755" ? 0o755 : 0o644 }));

/**
 * The step that installs files and units: started and enabled by systemd, or (byCluster) only
 * installed, for Pacemaker to start. The inverse stops what systemd started, removes every file
 * (secrets too) and reloads systemd.
 */
export function unitsStep(id: string, host: string, title: string, files: FileSpec[], units: string[], byCluster: boolean, secrets: Secret[] = [], checks: Check[] = []): Step {
  const start: Action[] = byCluster ? [] : units.flatMap((u): Action[] => [
    { kind: "run", argv: ["systemctl", "enable", u] },
    { kind: "run", argv: ["systemctl", "restart", u] },
  ]);
  return {
    id, host, phase: "services", title,
    apply: [...secrets, ...installs(files), ...(units.length ? [{ kind: "run" as const, argv: ["systemctl", "daemon-reload"] }] : []), ...start],
    verify: [...checks, ...units.map((u): Check => (byCluster ? { fn: "check_unit_file", args: [u] } : { fn: "check_unit", args: [u] }))],
    inverse: [
      ...(byCluster ? [] : [...units].reverse().map((u): Action => ({ kind: "run", argv: ["systemctl", "disable", "--now", u], onlyIf: ["systemctl", "cat", u] }))),
      ...[...secrets, ...files].map((f): Action => ({ kind: "remove", dest: f.dest })),
      ...(units.length ? [{ kind: "run" as const, argv: ["systemctl", "daemon-reload"] }] : []),
    ],
  };
}

export function daemon(site: Site, v: Vrouter, m: VrouterMember, d: DaemonSpec): { step: Step; artifacts: Artifact[] } {
  const unit = unitName(v, d.daemon);
  const conf = `${configDir(v)}/${d.config.name}`;
  const byCluster = clusterStarted(v);
  const files: FileSpec[] = [{ dest: conf, content: d.config.content }, ...(d.extra ?? []), {
    dest: unitPath(unit),
    content: render("systemd/netns-daemon.service", {
      header: headerText(site), description: `${d.what} for virtual router ${v.name}, inside network namespace ${v.namespace}`,
      router: v.name, namespace: v.namespace, runtimeDir: runtimeDir(v, d.daemon), selfRunDir: d.selfRunDir ?? false, daemon: d.daemon,
      command: d.command.map((w) => expand(v, d, w)).join(" "), after: d.after ?? [], cluster: byCluster,
    }),
  }];
  const secret = (d.secrets ?? []).map((s) => `, write ${s.dest} (0600) from ${s.name}`).join("");
  const title = byCluster ? `install ${conf} and ${unit}, which runs ${d.what} inside ${v.namespace}${secret}; Pacemaker starts it, not systemd`
    : `install ${conf} and ${unit}, which runs ${d.what} inside ${v.namespace}${secret}, and (re)start it`;
  const secretChecks = (d.secrets ?? []).map((s): Check => ({ fn: "check_secret_file", args: [s.dest] }));
  const step = unitsStep(`vrouter-${v.name}-${d.daemon}`, m.host, title, files, [unit], byCluster, d.secrets, secretChecks);
  return { step, artifacts: artifactsOf(m.host, files) };
}

/** Run f for every member of every router that has the service, and gather steps and files. */
export function perMember(site: Site, has: (v: Vrouter) => boolean, f: (v: Vrouter, m: VrouterMember) => DaemonSpec) {
  const made = site.vrouters.filter(has).flatMap((v) => v.members.map((m) => daemon(site, v, m, f(v, m))));
  return { steps: made.map((x) => x.step), artifacts: made.flatMap((x) => x.artifacts) };
}
