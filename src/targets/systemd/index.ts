// Seed Phase 3A: a systemd oneshot that recreates the gateway at boot, ordered after the bridge's owner.
import { daemonReload, unitOp, type UnitServes } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { installed, type Installed } from "../../plan/files.js";
import { reverify } from "../../plan/final.js";
import type { Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import { addrsOf, type Bridge, type Host, type HostGateway, type Site } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";
import { deleteLink, gatewayChecks, gatewayTitle, persistenceDecision } from "../vlan-gateway/index.js";

/** How long the unit waits for its bridge to appear after the owner starts. */
const WAIT_SECONDS = 30;

export const unitPath = (g: HostGateway) => `/etc/systemd/system/${g.unit}`;

/** Which unit brings a bridge up, and how hard to depend on it (shared by every unit that needs a bridge). */
export function ordering(b: Bridge): { after: string[]; requires: string[]; wants: string[] } {
  // Open vSwitch bridges exist once ovs-vswitchd has read its database, whoever declared them
  if (b.type === "ovs") return { after: ["openvswitch-switch.service"], requires: [], wants: ["openvswitch-switch.service"] };
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
    description: `${g.network} L3 gateway (${g.ifname} = ${addrsOf(g).map((a) => a.address).join(", ")})${ref}`,
    ...ordering(g.bridge), waitSeconds: WAIT_SECONDS, bridge: g.bridge.name, ifname: g.ifname, vid: g.vid,
    addrs: addrsOf(g).map((a) => ({ ipFamily: a.family === 6 ? "-6 " : "", cidr: a.ifaddr })),
  });
}

export function systemdStep(site: Site, host: string, g: HostGateway): { step: Step; file: Installed } {
  const file = installed(host, unitPath(g), unit(site, g));
  // its start re-creates the link (ExecStartPre deletes a stale one), its stop deletes it
  const serves: UnitServes = { kind: "gateway", link: g.ifname, addresses: addrsOf(g).map((a) => a.address) };
  return { file, step: {
    id: `persist-${g.unit}`, host, phase: "persist",
    title: `install and enable ${g.unit}, which recreates ${g.ifname} at every boot`,
    apply: [
      file.install,
      daemonReload,
      unitOp("enable", g.unit, { now: true, serves }),
    ],
    verify: [check("unit", { unit: g.unit }), ...gatewayChecks(g)],
    inverse: [
      unitOp("disable", g.unit, { now: true, onlyIfInstalled: true, serves }),
      file.remove,
      daemonReload,
      deleteLink(g.ifname),
    ],
  } };
}

const mine = (h: Host) => h.gateways.filter((g) => g.persistence === "systemd");

/** One note for a host's units after libvirtd, one for those after another owner: each said once. */
const notes = (h: Host) => [true, false].map((libvirt) => ({ libvirt, gs: mine(h).filter((g) => (g.bridge.owner === "libvirt") === libvirt) }))
  .filter((x) => x.gs.length)
  .flatMap((x) => reviewLines(h.name, "systemd/review-notes", { units: x.gs.map((g) => g.unit), waitSeconds: WAIT_SECONDS, libvirt: x.libvirt }));

export const systemd: Target = {
  name: "systemd",
  summary: "persistence 3A: a oneshot unit per gateway, After/Requires its bridge owner",
  checkedBy: ["systemd-analyze"],
  plan: (site) => {
    const made = site.hosts.flatMap((h) => mine(h).map((g) => ({ g, ...systemdStep(site, h.name, g) })));
    return {
      steps: made.map((m) => m.step),
      reverify: made.map((m) => reverify(m.step, gatewayTitle(m.g))),
      notes: site.hosts.flatMap((h) => notes(h)),
      artifacts: made.map((m) => m.file.artifact),
      decisions: site.hosts.flatMap((h) => mine(h).map((g) => persistenceDecision(h.name, g))),
    };
  },
};
