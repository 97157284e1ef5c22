// Seed Phase 3A: a systemd oneshot that recreates the gateway at boot, ordered after the bridge's owner,
// retried while the bridge is late; on a libvirt bridge, a network hook restarts it when the network does.
import { daemonReload, unitOp, type UnitServes } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { installed, type Installed } from "../../plan/files.js";
import { reverify } from "../../plan/final.js";
import type { Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import { addrsOf, type Bridge, type Host, type HostGateway, type Site } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";
import { hookedNetwork, hookedNetworks, hookPath, LIBVIRT_NETWORK_DAEMONS, LINK_VARIABLE, networkStep, networkTarget } from "./libvirt-hook.js";
import { deleteLink, gatewayChecks, gatewayTitle, persistenceDecision } from "../vlan-gateway/index.js";

/** How long the unit waits for its bridge to appear after the owner starts. */
const WAIT_SECONDS = 30;
/** Then it fails and systemd starts it again after RESTART_SECONDS, at most RETRIES times in RETRY_WINDOW seconds. */
export const RETRY = { restartSeconds: 10, retries: 10, window: 600 } as const;
/** Restart= on a Type=oneshot unit: systemd 244 and newer (older ones refuse to load the unit). */
export const ONESHOT_RESTART_SYSTEMD = 244;
/** Debian and Ubuntu name Open vSwitch's unit openvswitch-switch, RHEL and Fedora openvswitch (audit F2 says which). */
export const OVS_UNITS = ["openvswitch-switch.service", "openvswitch.service"];

export const unitPath = (g: HostGateway) => `/etc/systemd/system/${g.unit}`;

/**
 * Which unit brings a bridge up, and how hard to depend on it (shared by every unit that needs a bridge).
 * After= a unit that is not installed is ignored, and so is Wants=: naming every distribution's name
 * costs nothing. libvirt's daemons are only ordered after, never required: Requires= made every
 * libvirtd restart (a package upgrade) stop the gateway, and pulled libvirtd in beside virtnetworkd.
 */
export function ordering(b: Bridge): { after: string[]; requires: string[]; wants: string[] } {
  // Open vSwitch bridges exist once ovs-vswitchd has read its database, whoever declared them
  if (b.type === "ovs") return { after: OVS_UNITS, requires: [], wants: OVS_UNITS };
  switch (b.owner) {
    case "libvirt":
      return { after: LIBVIRT_NETWORK_DAEMONS, requires: [], wants: [] };
    case "netplan":
    case "systemd-networkd":
      return { after: ["systemd-networkd.service"], requires: [], wants: ["systemd-networkd.service"] };
    default:
      return { after: ["network.target"], requires: [], wants: [] };
  }
}

function unit(site: Site, g: HostGateway): string {
  const ref = site.decision ? ` -- ${site.decision}` : "";
  const n = hookedNetwork(g);
  return render("systemd/vlan-gateway.service", {
    header: headerText(site),
    reason: `persistence: ${g.persistenceReason}`,
    // no address here: ExecStart= holds it, so a changed address is one line of the unit
    description: `${g.network} L3 gateway on ${g.ifname}${ref}`,
    ...ordering(g.bridge),
    waitSeconds: WAIT_SECONDS,
    retry: RETRY,
    minSystemd: ONESHOT_RESTART_SYSTEMD,
    bridge: g.bridge.name,
    ifname: g.ifname,
    vid: g.vid,
    addrs: addrsOf(g).map((a) => ({ ipFamily: a.family === 6 ? "-6 " : "", cidr: a.ifaddr })),
    hook: n && { path: hookPath(n.network), network: n.network, target: networkTarget(n.network), variable: LINK_VARIABLE },
  });
}

export function systemdStep(site: Site, host: string, g: HostGateway): { step: Step; file: Installed } {
  const file = installed(host, unitPath(g), unit(site, g));
  // its start re-creates the link (ExecStartPre deletes a stale one), its stop deletes it
  const serves: UnitServes = { kind: "gateway", link: g.ifname, addresses: addrsOf(g).map((a) => a.address) };
  return {
    file,
    step: {
      id: `persist-${g.unit}`,
      host,
      phase: "persist",
      title: `install and enable ${g.unit}, which recreates ${g.ifname} at every boot`,
      apply: [file.install, daemonReload, unitOp("enable", g.unit, { now: true, serves })],
      verify: [check("unit", { unit: g.unit }), ...gatewayChecks(g)],
      inverse: [unitOp("disable", g.unit, { now: true, onlyIfInstalled: true, serves }), file.remove, daemonReload, deleteLink(g.ifname)],
    },
  };
}

const mine = (h: Host) => h.gateways.filter((g) => g.persistence === "systemd");

/** One note for a host's units after libvirt's daemons, one for those after another owner: each said once. */
const notes = (h: Host) =>
  [true, false]
    .map((libvirt) => ({ libvirt, gs: mine(h).filter((g) => (g.bridge.owner === "libvirt") === libvirt) }))
    .filter((x) => x.gs.length)
    .flatMap((x) =>
      reviewLines(h.name, "systemd/review-notes", {
        units: x.gs.map((g) => g.unit),
        waitSeconds: WAIT_SECONDS,
        libvirt: x.libvirt,
        retry: RETRY,
        minSystemd: ONESHOT_RESTART_SYSTEMD,
        ifnames: x.gs.map((g) => g.ifname),
        hooks: hookedNetworks(x.gs).map((n) => hookPath(n.network)),
        targets: hookedNetworks(x.gs).map((n) => networkTarget(n.network)),
      }),
    );

export const systemd: Target = {
  name: "systemd",
  summary: "persistence 3A: a oneshot unit per gateway, after its bridge owner, retried; a libvirt network hook restarts it",
  checkedBy: ["systemd-analyze", "shellcheck"],
  plan: (site) => {
    // per host, each libvirt network's hook and target right before the first of its gateways' units:
    // a phase's rollback undoes the units first and removes the hook once none of them is left
    const all = site.hosts.flatMap((h) =>
      mine(h).flatMap((g, i) => {
        const n = hookedNetwork(g);
        const opens =
          n !== undefined &&
          !mine(h)
            .slice(0, i)
            .some((x) => hookedNetwork(x)?.network === n.network);
        const made = systemdStep(site, h.name, g);
        return [
          ...(opens ? [{ ...networkStep(site, h.name, n), title: `libvirt network ${n.network}` }] : []),
          { step: made.step, files: [made.file], title: gatewayTitle(g) },
        ];
      }),
    );
    return {
      steps: all.map((m) => m.step),
      reverify: all.map((m) => reverify(m.step, m.title)),
      notes: site.hosts.flatMap((h) => notes(h)),
      artifacts: all.flatMap((m) => m.files.map((f) => f.artifact)),
      decisions: site.hosts.flatMap((h) => mine(h).map((g) => persistenceDecision(h.name, g))),
    };
  },
};
