// A dual-stack gateway (golden case dual-stack-vlan, host gw1) for real in network namespaces: the audit
// gates both addresses, host.sh apply runtime puts both on the sub-interface, a client on the VLAN reaches the
// gateway over IPv4 and IPv6, host.sh verify runtime passes, and host.sh rollback runtime restores the snapshot.
// This kernel has no 8021q, so one thing stands in: an `ip` wrapper on PATH creates the sub-interface
// as a macvlan on the same bridge and shows it as the VLAN it stands for in `ip -d -o link show`
// (check_vlan's view). Addresses, routes, reachability and the rollback are the real kernel's; the
// VLAN itself converges in the guest-kernel suite.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hostCmd, ROOT } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns, sh } from "../helpers/tools.js";
import { goldenHost, tempDir } from "../helpers/tree.js";

// the golden case's host folder beside a copy of the engine (as gen writes them)
const STAGE = tempDir("dual-stack-golden");
afterAll(() => rmSync(STAGE, { recursive: true, force: true }));
const GW1 = goldenHost(ROOT, "dual-stack-vlan", "gw1", STAGE);
let tmp: string;
let bin: string;
let gw: Netns;
let client: Netns;

/** `ip` that creates a macvlan where a VLAN was asked for, and reports it as that VLAN to `ip -d -o link show`. */
function standInIp(dir: string): string {
  const real = sh("command -v ip").trim();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "ip"),
    `#!/bin/bash
state=${JSON.stringify(join(dir, "vids"))}
mkdir -p "$state"
args=("$@")
n=\${#args[@]}
if [ "$1 $2" = "link add" ] && [ "\${args[n-4]} \${args[n-3]} \${args[n-2]}" = "type vlan id" ]; then
  for ((i = 0; i < n; i++)); do [ "\${args[i]}" = name ] && dev=\${args[i+1]}; done
  echo "\${args[n-1]}" > "$state/$dev"
  exec ${real} "\${args[@]:0:n-4}" type macvlan mode bridge
fi
if [ "$1 $2 $3 $4" = "-d -o link show" ] && [ -f "$state/\${args[n-1]}" ]; then
  out=$(${real} "$@") || exit
  printf '%s\\n' "\${out/macvlan mode bridge/vlan protocol 802.1Q id $(cat "$state/\${args[n-1]}") }"
  exit 0
fi
exec ${real} "$@"
`,
  );
  chmodSync(join(dir, "ip"), 0o755);
  return dir;
}

const env = () => ({ PATH: `${bin}:${process.env.PATH}`, SITEGEN_ROOT: join(tmp, "root") });
const script = (command: string, arg = "") => gw.sh(`${hostCmd(GW1, command)} ${arg}`, env());
const lines = (out: string, prefix: string) => out.split("\n").filter((l) => l.startsWith(prefix));

beforeAll(() => {
  requireRootNetns();
  tmp = tempDir("dual-stack");
  bin = standInIp(join(tmp, "bin"));
  mkdirSync(join(tmp, "root/etc/netplan"), { recursive: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  gw = new Netns("ds-gw");
  client = new Netns("ds-cl");
  for (const ns of [gw, client]) ns.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
  gw.sh("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1");
  gw.ip("link add br0 type bridge");
  gw.ip(`link add p0 type veth peer name eth0 netns ${client.name}`);
  gw.ip("link set p0 master br0");
  gw.ip("link set p0 up");
  gw.ip("link set br0 up");
  client.ip("addr add 198.51.100.40/24 dev eth0");
  client.ip("addr add 2001:db8:300::40/64 dev eth0");
  client.ip("link set eth0 up");
});
afterEach(() => {
  gw.delete();
  client.delete();
});

describe("dual-stack gateway in network namespaces", () => {
  it("audits both addresses, applies both, answers on both, verifies, and rolls back to the snapshot", () => {
    const before = gw.state();
    const audit = script("audit");
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(lines(audit.stdout, "PASS G6")).toEqual([
      "PASS G6 br0.300: clean: no br0.300 and no 198.51.100.1 yet",
      "PASS G6 br0.300 2001:db8:300::1: clean: no br0.300 and no 2001:db8:300::1 yet",
    ]);
    expect(lines(audit.stdout, "PASS G2").length).toBe(2); // IPv4 and IPv6 forwarding

    const apply = script("apply", "runtime");
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const addrs = gw.sh("ip -br addr show dev br0.300").stdout;
    expect(addrs).toContain(" 198.51.100.1/24 ");
    expect(addrs).toContain(" 2001:db8:300::1/64 ");
    for (const target of ["198.51.100.1", "2001:db8:300::1"]) {
      const ping = client.sh(`ping -c2 -W2 -q ${target}`);
      expect(ping.code, `${target}: ${ping.stdout}${ping.stderr}`).toBe(0);
    }
    const verify = script("verify", "runtime");
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain("br0.300 holds 2001:db8:300::1/64");
    expect(verify.stdout).toContain("route 2001:db8:300::/64 is directly connected via br0.300");
    const again = script("audit");
    expect(lines(again.stdout, "PASS G6").map((l) => l.split(": ")[0])).toEqual(["PASS G6 br0.300", "PASS G6 br0.300 2001:db8:300::1"]);
    expect(again.stdout).toContain("already present exactly as planned");

    const rollback = script("rollback", "runtime");
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(gw.state()).toBe(before);
  });

  it("stops when another device already holds the IPv6 gateway (G6), and changes nothing", () => {
    gw.ip("-6 addr add 2001:db8:300::1/64 dev br0");
    const before = gw.state();
    const r = script("audit");
    expect(r.code).toBe(1);
    expect(lines(r.stdout, "STOP")).toEqual(["STOP G6 2001:db8:300::1: already held by br0: two gateways would answer for it"]);
    expect(gw.state()).toBe(before);
  });
});
