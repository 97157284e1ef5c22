// Seed Phase 3B: a netplan drop-in with the vlans stanza, for bridges netplan already owns.
import { netplan as netplanRun } from "../../plan/actions.js";
import { installed, type Installed } from "../../plan/files.js";
import { reverify } from "../../plan/final.js";
import type { Step } from "../../plan/types.js";
import { hashHeader } from "../../render/header.js";
import { toYaml } from "../../render/yaml.js";
import { addrsOf, type Host, type HostGateway, type Site } from "../../resolve/site.js";
import { reviewLines, type Target } from "../target.js";
import { byBridge, deleteLink, gatewayChecks, gatewayTitle, persistenceDecision } from "../vlan-gateway/index.js";

/**
 * netplan merges /lib, /etc and /run/netplan by basename in byte order, and resolves a VLAN's `link:`
 * only against the same or an earlier file: the stanza must sort after the file that defines its bridge.
 * Digits sort before letters, so "zz-" comes after every numbered file (00-installer-config, 50-cloud-init,
 * 90-NM-<uuid>, 99-*) and after every name that starts with another letter; only a name starting "zz"
 * and a byte above "-" sorts later, and G5 names such files when netplan rejects the stanza.
 */
export const dropInName = (ifname: string) => `zz-sitegen-${ifname.replace(/\./g, "-")}.yaml`;
export const dropInPath = (g: HostGateway) => `/etc/netplan/${dropInName(g.ifname)}`;

/** The stanza's YAML: one VLAN on its bridge with the gateway's addresses (test/tools/netplan-corpus.test.ts puts it beside real configurations). */
export const vlanStanza = (ifname: string, vid: number, link: string, addresses: string[]): string =>
  toYaml({ network: { version: 2, vlans: { [ifname]: { id: vid, link, addresses } } } });

function dropIn(site: Site, g: HostGateway): string {
  return `${hashHeader(site)}# persistence: ${g.persistenceReason}\n${vlanStanza(
    g.ifname,
    g.vid,
    g.bridge.name,
    addrsOf(g).map((a) => a.ifaddr),
  )}`;
}

// The copy in out/ is 0644 (git keeps no other mode); install_file puts it in place as 0600, as netplan wants.
export function netplanStep(site: Site, host: string, g: HostGateway): { step: Step; file: Installed } {
  const file = installed(host, dropInPath(g), dropIn(site, g), 0o600);
  return {
    file,
    step: {
      id: `persist-netplan-${g.ifname}`,
      host,
      phase: "persist",
      title: `add the vlans stanza for ${g.ifname} to netplan (${dropInPath(g)}) and apply it`,
      apply: [file.install, netplanRun("generate"), netplanRun("apply")],
      verify: gatewayChecks(g),
      inverse: [
        file.remove,
        netplanRun("apply"),
        // netplan apply leaves virtual links it no longer defines in place
        deleteLink(g.ifname),
      ],
    },
  };
}

const mine = (h: Host) => h.gateways.filter((g) => g.persistence === "netplan");

export const netplan: Target = {
  name: "netplan",
  summary: "persistence 3B: a netplan drop-in per gateway on a netplan-owned bridge",
  checkedBy: ["netplan"],
  plan: (site) => {
    const made = site.hosts.flatMap((h) => mine(h).map((g) => ({ g, ...netplanStep(site, h.name, g) })));
    return {
      steps: made.map((m) => m.step),
      reverify: made.map((m) => reverify(m.step, gatewayTitle(m.g))),
      notes: site.hosts.flatMap((h) =>
        byBridge(mine(h)).flatMap((gs) => reviewLines(h.name, "netplan/review-notes", { ifnames: gs.map((g) => g.ifname), bridge: gs[0]!.bridge.name })),
      ),
      artifacts: made.map((m) => m.file.artifact),
      decisions: site.hosts.flatMap((h) => mine(h).map((g) => persistenceDecision(h.name, g))),
    };
  },
};
