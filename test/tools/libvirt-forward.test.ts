// G4 against libvirt's own network definitions (/work/shared/real-configs/libvirt: its XML tests and
// shipped networks; provenance, commit and path per file in its SOURCES.md): the audit's parser must
// read each forward mode as libvirt documents it (formatnetwork: no <forward> is an isolated network,
// a <forward> without mode is nat), so that G4 passes exactly the networks whose bridge libvirt
// itself creates (nat, route, open, isolated) and stops on the others (bridge: a host bridge or an
// Open vSwitch bridge made elsewhere; private, vepa, passthrough: macvtap; hostdev: SR-IOV devices).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { render } from "../../src/render/hbs.js";
import { requireTool } from "../helpers/tools.js";

const CORPUS = process.env.SITEGEN_REAL_CONFIGS ?? "/work/shared/real-configs";
const XML = join(CORPUS, "libvirt/xml");

// Each file's forward mode, read by hand from the file against libvirt's documentation.
const MODES: Record<string, string[]> = {
  nat: [
    "conf--leasetime-hours",
    "fw--forward-dev",
    "fw--nat-ipv6-masquerade",
    "in--dhcp6-nat-network",
    "in--nat-network-dns-local-domain",
    "in--nat-network-forward-nat-no-address",
    "in--nat-network",
    "out--bandwidth-network",
    "out--dhcp6-network",
    "out--dnsmasq-options",
    "out--nat-network-dns-forward-plain",
    "out--nat-network-dns-forwarders",
    "out--nat-network-dns-hosts",
    "out--nat-network-dns-srv-record",
    "out--nat-network-explicit-flood",
    "out--nat-network-forward-nat-address",
    "out--nat-network-forward-nat-ipv6",
    "out--nat-network-mtu",
    "out--nat-network-name-with-quotes",
    "out--nat-network",
    "out--netboot-network",
    "out--netboot-proxy-network",
    "out--ptr-domains-auto",
    "src--default",
  ],
  route: ["fw--route-default", "in--routed-network", "out--dhcp6host-routed-network", "out--routed-network-no-dns", "out--routed-network"],
  open: ["in--open-network-with-forward-dev", "in--open-network"],
  isolated: ["in--isolated-network", "out--empty-allow-ipv6", "out--isolated-network", "out--set-mtu"],
  bridge: ["in--host-bridge-net", "in--metadata", "in--openvswitch-net", "out--host-bridge-net", "out--isolated-ports", "out--openvswitch-net"],
  private: ["in--8021Qbh-net", "out--8021Qbh-net"],
  vepa: ["in--vepa-net", "out--vepa-net"],
  passthrough: ["in--passthrough-address-crash", "out--passthrough-pf"],
  hostdev: ["in--hostdev-pf-driver-model", "in--hostdev", "out--hostdev-pf"],
};
/** The modes whose bridge libvirt creates and owns: the only ones a gateway may follow libvirt on. */
const CREATES = new Set(["nat", "route", "open", "isolated"]);

function forwardMode(xml: string): string {
  const r = spawnSync("bash", ["-c", `${render("shell/audit-libvirt", {})}\nlibvirt_forward_mode`], { input: xml, encoding: "utf8" });
  if (r.status !== 0 || r.stderr) throw new Error(`libvirt_forward_mode: status ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Every file of the corpus through the gate's function in one shell (one python3 per file): file -> mode. */
function corpusModes(): Map<string, string> {
  const script = `${render("shell/audit-libvirt", {})}\nfor f in "$1"/*.xml; do printf '%s %s\\n' "$(basename "$f" .xml)" "$(libvirt_forward_mode <"$f")"; done`;
  const r = spawnSync("bash", ["-c", script, "bash", XML], { encoding: "utf8" });
  if (r.status !== 0 || r.stderr) throw new Error(`libvirt_forward_mode: status ${r.status}: ${r.stderr}`);
  return new Map(
    r.stdout
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
  );
}

describe("G4 reads libvirt's own network definitions as libvirt does", () => {
  it("has the corpus, and a pinned mode for every file in it", () => {
    expect(existsSync(XML), `${XML}: the real-configs corpus (set SITEGEN_REAL_CONFIGS)`).toBe(true);
    const files = readdirSync(XML)
      .filter((f) => f.endsWith(".xml"))
      .map((f) => f.replace(/\.xml$/, ""))
      .sort();
    expect(files).toEqual(Object.values(MODES).flat().sort());
  });

  // one shell for the whole corpus: a python3 start per file (about 20 ms on a quiet machine)
  let modes = new Map<string, string>();
  beforeAll(() => {
    requireTool("python3");
    modes = corpusModes();
  }, 180_000);
  it.each(Object.entries(MODES).flatMap(([mode, files]) => files.map((f) => [f, mode] as const)))("%s: %s", (file, mode) => {
    const got = modes.get(file);
    expect(got).toBe(mode);
    expect(CREATES.has(got ?? "")).toBe(CREATES.has(mode));
  });

  it("never ends in a traceback: no XML is an error the gate reports", () => {
    requireTool("python3");
    expect(forwardMode("error: failed to get network '1_provider'\n")).toMatch(/^error: net-dumpxml printed no XML: /);
    // a <forward> over several lines, attributes in any quotes: still its mode
    expect(forwardMode('<network>\n  <forward\n     dev="eth0"\n     mode="route"/>\n</network>\n')).toBe("route");
  });
});
