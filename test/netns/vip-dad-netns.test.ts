// The VIP gates probe by duplicate-address detection, not ping: in network namespaces, a holder of a
// VIP that drops ICMP echo (nft) is invisible to ping but stops the audit, for the management and the
// public VIP, without failover (V5 vip-free) and under keepalived (V6 vrrp-segment); with nobody
// holding them the gates pass. vip_dad's IPv6 branch (neighbour solicitation by ndisc6) is exercised
// against the same kind of holder.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT, hostCmd } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText, withoutHa } from "../helpers/variant.js";

const HA = join(ROOT, "out/fuel-env/hosts/ctrl1");
let tmp: string;
let STATIC: string;
let member: Netns;
let holder: Netns;

/** Attach a holder namespace to the member's bridge, holding addr/prefix and dropping every echo request. */
function hold(bridge: string, cidr: string): void {
  member.ip(`link add hp type veth peer name eth0 netns ${holder.name}`);
  member.ip(`link set hp master ${bridge}`);
  member.ip("link set hp up");
  holder.ip(`addr add ${cidr} dev eth0`);
  holder.ip("link set eth0 up");
  const nft =
    "add table inet t; add chain inet t in { type filter hook input priority 0; }; " +
    "add rule inet t in icmp type echo-request drop; add rule inet t in icmpv6 type echo-request drop";
  const r = holder.sh(`nft '${nft}'`);
  if (r.code !== 0) throw new Error(r.stderr);
}
const gateLines = (id: string, out: string) => out.split("\n").filter((l) => l.includes(` ${id} `));
/** The audit's vip_dad, defined alone in the namespace's shell: the engine's lib.sh holds it (templates/shell/audit-dad.hbs). */
const withDad = (script: string) => `eval "$(sed -n '/^vip_dad() {/,/^}/p' ${HA}/../../../engine/lib.sh)"; ${script}`;

beforeAll(() => {
  requireRootNetns();
  for (const t of ["arping", "ndisc6", "nft", "tcpdump", "ping"]) requireTool(t);
  tmp = tempDir("vip-dad");
  STATIC = join(buildVariant(tmp, "static", withoutHa(fuelEnvText())), "hosts/ctrl1");
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  member = new Netns("dad-m");
  holder = new Netns("dad-h");
  for (const ns of [member, holder]) ns.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
  for (const b of ["br-mgmt", "br-ex"]) {
    member.ip(`link add ${b} type bridge`);
    member.ip(`link set ${b} up`);
  }
  member.ip("addr add 192.168.0.11/24 dev br-mgmt");
  member.ip("addr add 172.16.0.11/24 dev br-ex");
});
afterEach(() => {
  member.delete();
  holder.delete();
});

describe("VIP-free gates by duplicate-address detection", () => {
  it("static router: a public VIP holder that drops ping stops V5; the free management VIP passes", () => {
    hold("br-ex", "172.16.0.2/24");
    expect(member.sh("ping -c1 -W1 -q 172.16.0.2").code).not.toBe(0); // invisible to ping
    const r = member.sh(hostCmd(STATIC, "audit"));
    expect(r.code).toBe(1);
    expect(gateLines("V5", r.stdout)).toEqual([
      "PASS V5 192.168.0.2: no answer to a duplicate-address probe on br-mgmt (ARP/NS, which dropping ping does not hide)",
      expect.stringMatching(
        /^STOP V5 172\.16\.0\.2: ([0-9A-F]{2}:){5}[0-9A-F]{2} answers a duplicate-address probe for it on br-ex: two routers would claim one VIP$/i,
      ),
    ]);
  });

  it("keepalived: with no adverts, a holder of either VIP that drops ping stops V6", () => {
    for (const [bridge, cidr, vip] of [
      ["br-mgmt", "192.168.0.2/24", "192.168.0.2"],
      ["br-ex", "172.16.0.2/24", "172.16.0.2"],
    ] as const) {
      hold(bridge, cidr);
      const r = member.sh(hostCmd(HA, "audit"));
      expect(r.code, vip).toBe(1);
      const lines = gateLines("V6", r.stdout);
      expect(lines[0]).toBe("PASS V6 vrid 52: no adverts with this ID");
      expect(lines.filter((l) => l.startsWith("STOP"))).toEqual([
        expect.stringMatching(
          new RegExp(`^STOP V6 ${vip.replace(/\./g, "\\.")}: \\S+ answers a duplicate-address probe for it on ${bridge}: nobody advertises this ID`),
        ),
      ]);
      member.ip("link del hp");
      holder.sh("ip addr flush dev eth0 2>/dev/null; nft flush ruleset");
    }
  });

  it("keepalived: nobody holds either VIP, so V6 passes for both", () => {
    const r = member.sh(hostCmd(HA, "audit"));
    expect(gateLines("V6", r.stdout)).toEqual([
      "PASS V6 vrid 52: no adverts with this ID",
      "PASS V6 192.168.0.2: no answer to a duplicate-address probe on br-mgmt (ARP/NS, which dropping ping does not hide)",
      "PASS V6 172.16.0.2: no answer to a duplicate-address probe on br-ex (ARP/NS, which dropping ping does not hide)",
    ]);
  });

  it("IPv6: vip_dad finds a holder that drops echo by neighbour solicitation, and reports a free address", () => {
    hold("br-ex", "fd00:9::2/64");
    expect(member.sh("ping -c1 -W1 -q fd00:9::2").code).not.toBe(0);
    const dad = (addr: string, dev = "br-ex") => member.sh(withDad(`rc=0; out=$(vip_dad ${dev} ${addr}) || rc=$?; echo "$rc $out"`)).stdout.trim();
    expect(dad("fd00:9::2")).toMatch(/^1 ([0-9A-F]{2}:){5}[0-9A-F]{2}$/i);
    expect(dad("fd00:9::3")).toBe("0");
    expect(dad("192.168.0.2")).toBe("0");
    expect(dad("192.168.0.2", "nosuch")).toMatch(/^2 arping: .*nosuch/);
  });
});
