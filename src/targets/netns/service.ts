// A daemon run inside a virtual router's namespace: its config file, a systemd unit that starts it
// there with `ip netns exec`, and the services step that installs both, with its inverse.
import type { Artifact, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterMember } from "../../resolve/vrouter.js";

export interface DaemonSpec {
  daemon: string; // dnsmasq, chrony, ntpd
  what: string; // for titles: "DNS (dnsmasq)"
  config: { name: string; content: string };
  /** Argv after `ip netns exec NS`; {conf} and {run} are replaced by the config path and runtime directory. */
  command: string[];
  /** The daemon creates its /run directory itself (chronyd does, owned by the user it drops to). */
  selfRunDir?: boolean;
  /** Further files the daemon needs (e.g. the namespace's resolv.conf), installed and removed with it. */
  extra?: Array<{ dest: string; content: string }>;
}

export const configDir = (v: Vrouter) => `/etc/sitegen/${v.name}`;
export const unitName = (v: Vrouter, daemon: string) => `sitegen-${v.name}-${daemon}.service`;
export const runtimeDir = (v: Vrouter, daemon: string) => `sitegen-${v.name}-${daemon}`;

export function expand(v: Vrouter, d: Pick<DaemonSpec, "daemon" | "config">, s: string): string {
  return s.replace("{conf}", `${configDir(v)}/${d.config.name}`).replace("{run}", `/run/${runtimeDir(v, d.daemon)}`);
}

export function daemon(site: Site, v: Vrouter, m: VrouterMember, d: DaemonSpec): { step: Step; artifacts: Artifact[] } {
  const unit = unitName(v, d.daemon);
  const conf = `${configDir(v)}/${d.config.name}`;
  const unitPath = `/etc/systemd/system/${unit}`;
  const files = [{ dest: conf, content: d.config.content }, ...(d.extra ?? []), {
    dest: unitPath,
    content: render("systemd/netns-daemon.service", {
      header: headerText(site), description: `${d.what} for virtual router ${v.name}, inside network namespace ${v.namespace}`,
      router: v.name, namespace: v.namespace, runtimeDir: runtimeDir(v, d.daemon), selfRunDir: d.selfRunDir ?? false, daemon: d.daemon,
      command: d.command.map((w) => expand(v, d, w)).join(" "),
    }),
  }];
  const step: Step = {
    id: `vrouter-${v.name}-${d.daemon}`, host: m.host, phase: "services",
    title: `install ${conf} and ${unit}, which runs ${d.what} inside ${v.namespace}, and (re)start it`,
    apply: [
      ...files.map((f) => ({ kind: "install" as const, dest: f.dest, mode: "0644" })),
      { kind: "run", argv: ["systemctl", "daemon-reload"] },
      { kind: "run", argv: ["systemctl", "enable", unit] },
      { kind: "run", argv: ["systemctl", "restart", unit] },
    ],
    verify: [{ fn: "check_unit", args: [unit] }],
    inverse: [
      { kind: "run", argv: ["systemctl", "disable", "--now", unit], onlyIf: ["systemctl", "cat", unit] },
      ...files.map((f) => ({ kind: "remove" as const, dest: f.dest })),
      { kind: "run", argv: ["systemctl", "daemon-reload"] },
    ],
  };
  return { step, artifacts: files.map((f) => ({ path: `hosts/${m.host}/files${f.dest}`, content: f.content, mode: 0o644 })) };
}

/** Run f for every member of every router that has the service, and gather steps and files. */
export function perMember(site: Site, has: (v: Vrouter) => boolean, f: (v: Vrouter, m: VrouterMember) => DaemonSpec) {
  const made = site.vrouters.filter(has).flatMap((v) => v.members.map((m) => daemon(site, v, m, f(v, m))));
  return { steps: made.map((x) => x.step), artifacts: made.flatMap((x) => x.artifacts) };
}
