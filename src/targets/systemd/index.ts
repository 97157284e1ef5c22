// Seed Phase 3A: a systemd oneshot that recreates the gateway at boot, ordered after the bridge's owner.
import type { Artifact, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Bridge, Host, HostGateway, Site } from "../../resolve/site.js";
import type { Target } from "../target.js";
import { deleteLink, gatewayChecks } from "../vlan-gateway/index.js";

export const unitPath = (g: HostGateway) => `/etc/systemd/system/${g.unit}`;

/** Which unit brings the parent bridge up, and how hard to depend on it. */
function ordering(b: Bridge): { after: string[]; requires: string[]; wants: string[] } {
  switch (b.owner) {
    case "libvirt": return { after: ["libvirtd.service"], requires: ["libvirtd.service"], wants: [] };
    case "netplan": case "systemd-networkd": return { after: ["systemd-networkd.service"], requires: [], wants: ["systemd-networkd.service"] };
    default: return { after: ["network.target"], requires: [], wants: [] };
  }
}

function unit(site: Site, g: HostGateway): string {
  const ref = site.decision ? ` -- ${site.decision}` : "";
  return render("systemd/vlan-gateway.service", {
    header: headerText(site), reason: `persistence: ${g.persistenceReason}`,
    description: `${g.network} L3 gateway (${g.ifname} = ${g.address})${ref}`,
    ...ordering(g.bridge), waitSeconds: 30, bridge: g.bridge.name, ifname: g.ifname, vid: g.vid,
    ipFamily: g.family === 6 ? "-6 " : "", cidr: `${g.address}/${g.prefix}`,
  });
}

export function systemdStep(host: string, g: HostGateway): Step {
  return {
    id: `persist-${g.unit}`, host, phase: "persist",
    title: `install and enable ${g.unit}, which recreates ${g.ifname} at every boot`,
    apply: [
      { kind: "install", dest: unitPath(g), mode: "0644" },
      { kind: "run", argv: ["systemctl", "daemon-reload"] },
      { kind: "run", argv: ["systemctl", "enable", "--now", g.unit] },
    ],
    verify: [{ fn: "check_unit", args: [g.unit] }, ...gatewayChecks(g)],
    inverse: [
      { kind: "run", argv: ["systemctl", "disable", "--now", g.unit], onlyIf: ["systemctl", "cat", g.unit] },
      { kind: "remove", dest: unitPath(g) },
      { kind: "run", argv: ["systemctl", "daemon-reload"] },
      deleteLink(g.ifname),
    ],
  };
}

const mine = (h: Host) => h.gateways.filter((g) => g.persistence === "systemd");

export const systemd: Target = {
  name: "systemd",
  summary: "persistence 3A: a oneshot unit per gateway, After/Requires its bridge owner",
  plan: (site) => ({
    steps: site.hosts.flatMap((h) => mine(h).map((g) => systemdStep(h.name, g))),
    artifacts: site.hosts.flatMap((h) => mine(h).map((g): Artifact => ({ path: `hosts/${h.name}/files${unitPath(g)}`, content: unit(site, g), mode: 0o644 }))),
    decisions: site.hosts.flatMap((h) => mine(h).map((g) => ({ host: h.name, key: "persistence", value: "systemd", subject: g.ifname, reason: g.persistenceReason }))),
  }),
};
