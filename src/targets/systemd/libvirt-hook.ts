// The gateways follow their bridge's owner: one libvirt network hook per network restarts the network's
// gateway units when it starts again (virsh net-destroy/net-start, every net-edit that needs it), since
// the new bridge comes without the VLAN children the old one had. The hook names no gateway: it asks
// systemd for the units enabled into the network's target (each gateway unit is WantedBy= it), so a
// second gateway on the network adds a unit and changes neither the hook nor the target.
import { daemonReload, unitOp } from "../../plan/actions.js";
import { check } from "../../plan/checks.js";
import { installed, type Installed } from "../../plan/files.js";
import type { Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { HostGateway, Site } from "../../resolve/site.js";

/** The daemons that may own libvirt's networks: the monolithic one, or the per-driver one (Fedora, RHEL 9). */
export const LIBVIRT_NETWORK_DAEMONS = ["libvirtd.service", "virtnetworkd.service"];

/** The variable each hooked unit sets to its link's name: the hook leaves a unit whose link is there alone. */
export const LINK_VARIABLE = "SITEGEN_GATEWAY_LINK";

/** The libvirt network a hooked gateway's bridge belongs to. */
export interface HookedNetwork {
  readonly network: string;
  readonly bridge: string;
}

/** The target that lists a network's gateway units (its .wants/, filled by enabling them): never started, only asked. */
export const networkTarget = (network: string) => `sitegen-libvirt-${network}.target`;
export const targetPath = (network: string) => `/etc/systemd/system/${networkTarget(network)}`;

/** Where libvirt looks for several network hooks (libvirt 6.5.0 and newer: audit G4 checks the version); one per network. */
export const hookPath = (network: string) => `/etc/libvirt/hooks/network.d/sitegen-${network}`;

/** The hook runs for gateways on a bridge libvirt creates, and only those. */
export const hooked = (g: HostGateway): boolean => g.persistence === "systemd" && g.bridge.owner === "libvirt" && g.bridge.libvirtNetwork !== undefined;

/** The network a gateway's hook serves, for a hooked gateway. */
export const hookedNetwork = (g: HostGateway): HookedNetwork | undefined =>
  hooked(g) ? { network: g.bridge.libvirtNetwork ?? "", bridge: g.bridge.name } : undefined;

/** The libvirt networks of some gateways that need a hook, each once, in the gateways' order. */
export function hookedNetworks(gs: readonly HostGateway[]): HookedNetwork[] {
  const out: HookedNetwork[] = [];
  for (const g of gs) {
    const n = hookedNetwork(g);
    if (n && !out.some((x) => x.network === n.network)) out.push(n);
  }
  return out;
}

/**
 * The network's step: its target and its hook, before the units of its gateways (so their rollback,
 * last in the phase's reverse order, removes the hook only once no gateway of the network is left).
 * Neither file depends on the gateways: adding or removing one leaves this step as it is.
 */
export function networkStep(site: Site, host: string, n: HookedNetwork): { step: Step; files: Installed[] } {
  const header = headerText(site);
  const target = installed(host, targetPath(n.network), render("systemd/libvirt-network.target", { header, ...n, hook: hookPath(n.network) }));
  const hook = installed(
    host,
    hookPath(n.network),
    render("systemd/libvirt-hook", { header, ...n, target: networkTarget(n.network), variable: LINK_VARIABLE }),
    0o755,
  );
  // libvirt caches whether any network hook exists until its daemon reloads (SIGHUP): whichever of the
  // two runs here is told, the other is skipped. Removing the hook needs no reload: libvirt looks in
  // the directory at every call and finds nothing to run.
  const reloads = LIBVIRT_NETWORK_DAEMONS.map((d) => unitOp("reload", d, { onlyIfActive: true }));
  return {
    files: [target, hook],
    step: {
      id: `persist-libvirt-${n.network}`,
      host,
      phase: "persist",
      title:
        `install libvirt's network hook for ${n.network} and ${networkTarget(n.network)}, which lists the gateway units the hook ` +
        `restarts when ${n.network} starts again`,
      apply: [target.install, daemonReload, hook.install, ...reloads],
      verify: [check("file", { path: targetPath(n.network) }), check("file", { path: hookPath(n.network) })],
      inverse: [hook.remove, target.remove, daemonReload],
    },
  };
}
