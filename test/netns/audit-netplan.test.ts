// Gates G5 and N1 ask netplan itself what it makes of its files under SITEGEN_ROOT (the networkd and
// NetworkManager files `netplan generate --root-dir` writes on a copy), and compare names and addresses
// whole. Each case is a netplan tree under a fixture root, with look-alike names and addresses, and the
// audit runs in a network namespace; the gate's own line is what is checked. test/tools/netplan-corpus.test.ts
// runs the same gate against netplan's own example and test configurations.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropInName } from "../../src/targets/netplan/index.js";
import { gen, HOST_SH, ROOT, hostCmd } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { goldenHost, tempDir } from "../helpers/tree.js";

const GOLDEN = join(ROOT, "test/cases/golden");
const JUMP = join(ROOT, "out/jumphost/hosts/jumphost"); // virbr1 owned by libvirt, 10.12.8.1 persisted by systemd
// golden cases' host folders, each beside a copy of the engine (as gen writes them)
const STAGE = tempDir("audit-netplan-golden");
afterAll(() => rmSync(STAGE, { recursive: true, force: true }));
const NP = goldenHost(ROOT, "jumphost-netplan", "jumphost", STAGE); // br-prov owned by netplan, 10.12.8.1 persisted by netplan
const DUAL = goldenHost(ROOT, "dual-stack", "gw1", STAGE); // br0 owned by systemd-networkd, 198.51.100.1 and 2001:db8:210::1
const NODE = goldenHost(ROOT, "vrouter-pacemaker", "n1", STAGE); // a node: its drop-in merges into netplan's br-mgmt
let tmp: string;
let ns: Netns;
let n = 0;

/** A root holding /etc/netplan/<file> for each entry (mode 0600, as netplan wants). */
function root(files: Record<string, string>): string {
  const r = join(tmp, `root${n++}`);
  mkdirSync(join(r, "etc/netplan"), { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    writeFileSync(join(r, "etc/netplan", f), `network:\n  version: 2\n${text}`);
    chmodSync(join(r, "etc/netplan", f), 0o600);
  }
  return r;
}

/** PATH with every `tool` left out. */
function pathWithout(tool: string): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .map((d) => {
      let entries: string[];
      try {
        entries = readdirSync(d);
      } catch {
        return d;
      }
      if (!entries.includes(tool)) return d;
      const shadow = join(tmp, `path${n++}`);
      mkdirSync(shadow);
      for (const e of entries.filter((x) => x !== tool)) symlinkSync(join(d, e), join(shadow, e));
      return shadow;
    })
    .join(delimiter);
}
/** The host without netplan installed. */
const pathWithoutNetplan = () => pathWithout("netplan");
/** python3, netplan's dependency, missing from the audit's PATH (netplan itself names its interpreter whole). */
const pathWithoutPython = () => pathWithout("python3");

function audit(dir: string, r: string, env: NodeJS.ProcessEnv = {}) {
  const out = ns.sh(hostCmd(dir, "audit"), { SITEGEN_ROOT: r, ...env });
  const lines = out.stdout.split("\n");
  return { gate: (id: string) => lines.filter((l) => / (G5|N1) /.test(l) && l.includes(` ${id} `)), lines, out: out.stdout + out.stderr };
}

beforeAll(() => {
  requireRootNetns();
  requireTool("netplan");
  tmp = tempDir("audit-netplan");
  ns = new Netns("netplan");
});
afterAll(() => {
  ns.delete();
  rmSync(tmp, { recursive: true, force: true });
});

const LOOKALIKES = `  ethernets:
    eth0:
      addresses: [10.12.8.15/22]
      routes: [{ to: 10.30.0.0/16, via: 10.12.8.1 }]
      nameservers: { addresses: [10.12.8.1] }
  bridges:
    virbr10: { addresses: [10.12.8.100/22] }
`;

describe("G5 on a libvirt bridge (persistence via systemd)", () => {
  it("passes when netplan only mentions look-alike names and the gateway address (a grep would stop here)", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": LOOKALIKES }));
    expect(a.gate("G5"), a.out).toEqual(["PASS G5 virbr1: netplan does not touch it; libvirt owns it (persistence via systemd)"]);
    expect(a.lines).toContain("netplan and virbr1: netplan neither creates, renames nor configures it");
    expect(a.lines).toContain("netplan gives 10.12.8.1 to: nothing");
  });

  it("stops when netplan defines the bridge itself", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": "  bridges:\n    virbr1: { interfaces: [] }\n" }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 virbr1: netplan creates it (bridge, netplan id virbr1), but the inventory says libvirt owns it; two managers would fight: set owner: netplan and regenerate",
    ]);
  });

  it("stops when netplan gives the gateway address to another link, in any file", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": LOOKALIKES, "02-extra.yaml": "  ethernets:\n    eth1: { addresses: [10.12.8.1/24] }\n" }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 virbr1: netplan already holds a gateway address: it gives 10.12.8.1 (the gateway of virbr1.104, persisted by systemd) to eth1; " +
        "remove it from netplan first",
    ]);
  });

  it("passes without netplan installed: nothing applies /etc/netplan", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": "  bridges:\n    virbr1: {}\n" }), { PATH: pathWithoutNetplan() });
    expect(a.lines).toContain("netplan is not installed: nothing applies /etc/netplan");
    expect(a.gate("G5")).toEqual(["PASS G5 virbr1: netplan does not touch it; libvirt owns it (persistence via systemd)"]);
  });

  it("stops when netplan cannot read its files", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": "  vlans:\n    v9: { id: 9, link: nosuch }\n" }));
    expect(a.gate("G5")).toHaveLength(1);
    expect(a.gate("G5")[0]).toMatch(/^STOP G5 virbr1: netplan cannot read \/etc\/netplan \(netplan generate: .*nosuch.*\): fix that first/);
  });
});

describe("G5 on a netplan bridge", () => {
  it("stops when netplan merely mentions the bridge and the address (a grep would pass here)", () => {
    const mentions = "  # br-prov is defined elsewhere\n  ethernets:\n    br-prov0: { routes: [{ to: default, via: 10.12.8.1 }] }\n";
    const a = audit(NP, root({ "01-netcfg.yaml": mentions }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 br-prov: the inventory says netplan owns it, but netplan defines no interface by that name: correct the bridge's owner and regenerate",
    ]);
  });

  it("passes before apply and again after it, when netplan gives the address to the very link it persists", () => {
    const bridge = "  bridges:\n    br-prov: { interfaces: [] }\n";
    const before = audit(NP, root({ "01-netcfg.yaml": bridge }));
    expect(before.gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via netplan)"]);
    const ours = "  vlans:\n    br-prov.104: { id: 104, link: br-prov, addresses: [10.12.8.1/22] }\n";
    const after = audit(NP, root({ "01-netcfg.yaml": bridge, [dropInName("br-prov.104")]: ours }));
    expect(after.gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via netplan)"]);
  });

  it("asks netplan generate on the merged configuration: sitegen's stanza sorts after 99-*, and a file that sorts after it is named", () => {
    // netplan resolves a VLAN's link against the same or an earlier file (byte order of the basename)
    const numbered = audit(NP, root({ "99-site.yaml": "  bridges:\n    br-prov: { interfaces: [] }\n" }));
    expect(numbered.gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via netplan)"]);
    const late = audit(NP, root({ "zzz-site.yaml": "  bridges:\n    br-prov: { interfaces: [] }\n" }));
    expect(late.gate("G5")).toHaveLength(1);
    expect(late.gate("G5")[0]).toMatch(
      new RegExp(
        "^STOP G5 br-prov: netplan would reject the configuration with this host's generated netplan files beside /etc/netplan " +
          "\\(netplan generate: /etc/netplan/zz-sitegen-br-prov-104\\.yaml:.*interface 'br-prov' is not defined\\); it reads zzz-site\\.yaml after sitegen's " +
          "zz-sitegen-br-prov-104\\.yaml, and resolves a link only in the same or an earlier file: nothing was changed",
      ),
    );
  });

  it("stops when netplan gives the gateway address to the bridge itself", () => {
    const a = audit(NP, root({ "01-netcfg.yaml": "  bridges:\n    br-prov: { addresses: [10.12.8.1/22] }\n" }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 br-prov: netplan already holds a gateway address: it gives 10.12.8.1 (the gateway of br-prov.104, persisted by netplan) to br-prov; " +
        "remove it from netplan first",
    ]);
  });

  it("stops without netplan installed", () => {
    const a = audit(NP, root({ "01-netcfg.yaml": "  bridges:\n    br-prov: {}\n" }), { PATH: pathWithoutNetplan() });
    expect(a.gate("G5")).toEqual([
      "STOP G5 br-prov: the inventory says netplan owns it, but netplan is not installed: correct the bridge's owner and regenerate",
    ]);
  });

  it("reads the persistence decision: persistence systemd on a netplan bridge says systemd, once", () => {
    const text = readFileSync(join(GOLDEN, "jumphost-netplan/jumphost-netplan.yaml"), "utf8").replace(
      "on: host, host: jumphost }",
      "on: host, host: jumphost, persistence: systemd }",
    );
    mkdirSync(join(tmp, "inv"));
    writeFileSync(join(tmp, "inv/jumphost-netplan.yaml"), text);
    const r = gen(["--site", "jumphost-netplan", "--inventory", join(tmp, "inv"), "--out", join(tmp, "out"), "-q"]);
    expect(r.code, r.stderr).toBe(0);
    const a = audit(join(tmp, "out/jumphost-netplan/hosts/jumphost"), root({ "01-netcfg.yaml": "  bridges:\n    br-prov: {}\n" }));
    expect(a.gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via systemd)"]);
    expect(a.out).not.toContain("persistence via netplan");
    // the audit stops elsewhere here (no bridge in this namespace): its decision line is read from the script
    expect(readFileSync(join(tmp, "out/jumphost-netplan/hosts/jumphost", HOST_SH), "utf8")).toContain("say 'decision: persistence=systemd link=br-prov.104'");
  });
});

describe("what netplan makes of its files: renames, globs, VLAN ids, renderers", () => {
  it("stops when netplan renames a device to the bridge's name (match + set-name)", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": '  ethernets:\n    lan:\n      match: { macaddress: "52:54:00:12:34:56" }\n      set-name: virbr1\n' }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 virbr1: netplan renames a device to it (set-name, netplan id lan), but the inventory says libvirt owns it; two managers would fight: " +
        "give the device netplan renames another name, or the bridge",
    ]);
  });

  it("stops when a name glob of netplan's covers the bridge, not when it covers a look-alike", () => {
    const glob = (g: string) => audit(JUMP, root({ "01-netcfg.yaml": `  ethernets:\n    all:\n      match: { name: "${g}" }\n      dhcp4: true\n` }));
    expect(glob("virbr*").gate("G5")).toEqual([
      "STOP G5 virbr1: netplan configures it through the name glob virbr* (netplan id all), but the inventory says libvirt owns it; " +
        "two managers would fight: narrow netplan's match so that it leaves virbr1 alone",
    ]);
    expect(glob("virbr1?").gate("G5")).toEqual(["PASS G5 virbr1: netplan does not touch it; libvirt owns it (persistence via systemd)"]);
  });

  it("stops when netplan already uses the gateway's own name", () => {
    const a = audit(JUMP, root({ "01-netcfg.yaml": "  ethernets:\n    eth0: {}\n  vlans:\n    virbr1.104: { id: 104, link: eth0 }\n" }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 virbr1: netplan already uses the gateway's name virbr1.104: it creates it (vlan, netplan id virbr1.104); remove that from netplan first",
    ]);
  });

  it("stops on a VLAN with the gateway's id on the bridge under another name, not on another id", () => {
    const vlan = (id: number) =>
      audit(NP, root({ "01-netcfg.yaml": `  bridges:\n    br-prov: { interfaces: [] }\n  vlans:\n    tenant: { id: ${id}, link: br-prov }\n` }));
    expect(vlan(104).gate("G5")).toEqual([
      "STOP G5 br-prov: netplan already has a VLAN with id 104 on br-prov: tenant (netplan id tenant); a link holds one VLAN per id: remove it from netplan first",
    ]);
    expect(vlan(105).gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via netplan)"]);
  });

  it("stops when the bridge is NetworkManager's and the stanza networkd's: netplan would attach the VLAN to nothing", () => {
    const a = audit(NP, root({ "01-netcfg.yaml": "  bridges:\n    renderer: NetworkManager\n    br-prov: { interfaces: [] }\n" }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 br-prov: netplan would not attach br-prov.104 to br-prov with id 104: it makes a VLAN with id 104 on no link (no configuration of a link lists it) of it " +
        "(is br-prov under another renderer than the stanza?): nothing was changed; fix the conflict first",
    ]);
    // the whole configuration NetworkManager's: the stanza is too, and NetworkManager attaches it
    const nm = audit(NP, root({ "01-netcfg.yaml": "  renderer: NetworkManager\n  bridges:\n    br-prov: { interfaces: [] }\n" }));
    expect(nm.gate("G5")).toEqual(["PASS G5 br-prov: netplan defines it, as the inventory says (persistence via netplan)"]);
  });

  it("needs no PyYAML, and without python3 ends in a reason, never a traceback", () => {
    // a python3 first on PATH that sees no site-packages, as a bare virtualenv's: the gate reads netplan's output with the standard library
    const bare = join(tmp, `bare${n++}`);
    mkdirSync(bare);
    writeFileSync(join(bare, "python3"), '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
    expect(ns.sh(`PATH=${bare}:$PATH python3 -c 'import yaml'`).code).not.toBe(0);
    const glob = '  ethernets:\n    all:\n      match: { name: "virbr*" }\n';
    expect(audit(JUMP, root({ "01-netcfg.yaml": glob }), { PATH: `${bare}${delimiter}${process.env.PATH}` }).gate("G5")[0]).toMatch(
      /^STOP G5 virbr1: netplan configures it through the name glob virbr\* /,
    );
    const a = audit(JUMP, root({ "01-netcfg.yaml": LOOKALIKES }), { PATH: pathWithoutPython() });
    expect(a.gate("G5")).toEqual([
      "STOP G5 virbr1: the audit cannot read what netplan makes of /etc/netplan (python3 is not installed): install python3 (netplan's own dependency) or report this",
    ]);
    expect(a.out).not.toContain("Traceback");
  });
});

describe("exact names and addresses", () => {
  it("compares IPv6 addresses canonically: 2001:db8:210:0::1 is the gateway 2001:db8:210::1", () => {
    const eth0 = '  ethernets:\n    eth0: { addresses: ["2001:db8:210:0::1/64", "2001:db8:210::10/64", 198.51.100.10/24] }\n';
    const a = audit(DUAL, root({ "01-netcfg.yaml": eth0 }));
    expect(a.gate("G5")).toEqual([
      "STOP G5 br0: netplan already holds a gateway address: it gives 2001:db8:210::1 (the gateway of br0.211, persisted by systemd) to eth0; " +
        "remove it from netplan first",
    ]);
    expect(a.lines).toContain("netplan gives 198.51.100.1 to: nothing");
  });

  it("N1 passes only when netplan defines the node's bridge, not a look-alike", () => {
    expect(audit(NODE, root({ "01.yaml": "  bridges:\n    br-mgmt0: {}\n    br: {}\n" })).gate("N1")).toEqual([
      "STOP N1 br-mgmt: the inventory says netplan owns it, but netplan defines no interface by that name: correct the bridge's owner and regenerate",
    ]);
    const ours = audit(NODE, root({ "01.yaml": "  bridges:\n    br-mgmt: {}\n" }));
    expect(ours.gate("N1")).toEqual(["PASS N1 br-mgmt: netplan defines it, as the inventory says"]);
  });

  it("N2 names every default route, not the first alone, and never dies of SIGPIPE (head did, about one run in four)", () => {
    ns.ip("link add np-v0 type veth peer name np-v1");
    ns.ip("link set np-v0 up");
    ns.ip("link set np-v1 up");
    ns.ip("addr add 10.9.0.2/24 dev np-v0");
    ns.ip("route add default via 10.9.0.1 metric 100");
    ns.ip("route add default via 10.9.0.3 metric 200");
    try {
      const r = root({ "01.yaml": "  bridges:\n    br-mgmt: {}\n" });
      for (let i = 0; i < 15; i++) {
        const a = audit(NODE, r);
        expect(
          a.lines.filter((l) => / N2:/.test(l) && !l.startsWith("===")),
          a.out,
        ).toEqual([
          "PASS N2: default 'default via 10.9.0.1 dev np-v0 metric 100' is recorded, replaced by the route via 10.20.0.2 on br-mgmt, and given back by the rollback",
          "PASS N2: default 'default via 10.9.0.3 dev np-v0 metric 200' is recorded, replaced by the route via 10.20.0.2 on br-mgmt, and given back by the rollback",
        ]);
      }
    } finally {
      ns.ip("link del np-v0");
    }
  });
});
