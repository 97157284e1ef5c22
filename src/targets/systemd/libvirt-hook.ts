// The gateway follows its bridge's owner: a libvirt network hook restarts the gateway's unit when the
// network starts again (virsh net-destroy/net-start, every net-edit that needs it), since the new
// bridge comes without the VLAN child the old one had.
import { unitOp } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { installed, type Installed } from "../../plan/files.js";
import type { Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { HostGateway, Site } from "../../resolve/site.js";

/** The daemons that may own libvirt's networks: the monolithic one, or the per-driver one (Fedora, RHEL 9). */
export const LIBVIRT_NETWORK_DAEMONS = ["libvirtd.service", "virtnetworkd.service"];

/** Where libvirt looks for several network hooks (libvirt 6.5.0 and newer: audit G4 checks the version). */
export const hookPath = (g: HostGateway) => `/etc/libvirt/hooks/network.d/sitegen-${g.unit.replace(/\.service$/, "")}`;

/** The hook runs for gateways on a bridge libvirt creates, and only those. */
export const hooked = (g: HostGateway): boolean => g.persistence === "systemd" && g.bridge.owner === "libvirt" && g.bridge.libvirtNetwork !== undefined;

export function hookStep(site: Site, host: string, g: HostGateway): { step: Step; file: Installed } {
  const network = g.bridge.libvirtNetwork ?? "";
  const file = installed(
    host,
    hookPath(g),
    render("systemd/libvirt-hook", {
      header: headerText(site),
      unit: g.unit,
      network,
      bridge: g.bridge.name,
      ifname: g.ifname,
    }),
    0o755,
  );
  // libvirt caches whether any network hook exists until its daemon reloads (SIGHUP): whichever of the
  // two runs here is told, the other is skipped. Removing the hook needs no reload: libvirt looks in
  // the directory at every call and finds nothing to run.
  const reloads = LIBVIRT_NETWORK_DAEMONS.map((d) => unitOp("reload", d, { onlyIfActive: true }));
  return {
    file,
    step: {
      id: `persist-hook-${g.unit}`,
      host,
      phase: "persist",
      title: `install libvirt's network hook for ${network}, which restarts ${g.unit} when ${network} starts again`,
      apply: [file.install, ...reloads],
      verify: [check("file", { path: hookPath(g) })],
      inverse: [file.remove],
    },
  };
}
