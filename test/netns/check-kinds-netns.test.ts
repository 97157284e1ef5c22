// Every check kind host.sh verify can run (templates/shell/lib/check_*.hbs, the functions themselves) on a
// host that is right and on one that is broken, in network namespaces made here: the check passes on
// the first and FAILs (non-zero, a FAIL line) on the second. A kind without a case fails the test, so a
// new check cannot ship without proof that it catches a broken host. Tools PID 1 or a cluster would
// answer (systemctl, crm_resource, ovs-vsctl, pidof and chronyc) are small scripts in PATH that report a state the case
// sets; the kernel-backed kinds run against real links, addresses, routes, sysctls and rulesets.
// The passing case of check_vlan needs 8021q, which this kernel lacks: the guest tests cover it.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECK_FNS } from "../../src/plan/types.js";
import { ROOT } from "../helpers/gen.js";
import { Netns } from "../helpers/netns.js";
import { requireRootNetns, requireTool } from "../helpers/tools.js";

interface Case {
  /** Arguments of the check; INNER names a second namespace the case may create. */
  args: string;
  /** Puts the host in the state the check expects (omitted: cannot be built on this kernel). */
  good?: string;
  /** Breaks it, after good ran (or alone): the check must fail. */
  broken: string;
}

const VETH = "ip link add a0 type veth peer name a1 && ip link set a0 up && ip link set a1 up";
// INNER is made by the test before the case runs: `ip netns add` inside `ip netns exec` would mount it in a private mount namespace
const INNER = "ip -n INNER link set lo up";
const INNER_VETH = `${INNER} && ip link add v0 type veth peer name v1 netns INNER && ip link set v0 up && ip -n INNER link set v1 up`;
const CHRONY = (a: string) => `printf '^* %-27s 2   6   377    23   +12us[  +15us] +/-   20ms\\n' ${a} >"$FAKE/sources"`;
const UNIT = (enabled: string, active: string) => `printf '%s\\n' ${enabled} >"$FAKE/enabled"; printf '%s\\n' ${active} >"$FAKE/active"`;

const CASES: Record<string, Case> = {
  check_addr: {
    args: "a0 10.9.0.1/24",
    good: `${VETH} && ip addr add 10.9.0.1/24 dev a0`,
    broken: "ip addr del 10.9.0.1/24 dev a0 && ip addr add 10.9.0.1/25 dev a0",
  },
  check_admin_up: { args: "a0", good: VETH, broken: "ip link set a0 down" },
  check_bridge_port: { args: "a0 br0", good: `${VETH} && ip link add br0 type bridge && ip link set a0 master br0`, broken: "ip link set a0 nomaster" },
  check_cluster_resource: { args: "vip-mgmt", good: 'echo vip-mgmt >"$FAKE/resources"', broken: 'echo other >"$FAKE/resources"' },
  check_default_via: {
    args: "10.9.0.254",
    good: `${VETH} && ip addr add 10.9.0.1/24 dev a0 && ip route add default via 10.9.0.254`,
    // a second default on the same link, which a substring match on the routes would have let through
    broken: "ip route add default via 10.9.0.253 metric 50",
  },
  check_file: {
    args: "/etc/sitegen/x.conf",
    good: 'mkdir -p "$root/etc/sitegen" && echo x >"$root/etc/sitegen/x.conf"',
    broken: 'rm "$root/etc/sitegen/x.conf"',
  },
  check_netns: { args: "INNER", good: INNER, broken: "umount /run/netns/INNER && rm /run/netns/INNER" },
  check_ns_addr: { args: "INNER v1 10.8.0.2/24", good: `${INNER_VETH} && ip -n INNER addr add 10.8.0.2/24 dev v1`, broken: "ip -n INNER addr flush dev v1" },
  check_ns_iptables: {
    args: "INNER nat POSTROUTING -s 10.8.0.0/24 -j MASQUERADE",
    good: `${INNER} && ip netns exec INNER iptables -w -t nat -A POSTROUTING -s 10.8.0.0/24 -j MASQUERADE`,
    broken: "ip netns exec INNER iptables -w -t nat -F POSTROUTING",
  },
  check_ns_nft: {
    args: "INNER inet vr",
    good: `${INNER} && ip netns exec INNER nft add table inet vr`,
    broken: "ip netns exec INNER nft delete table inet vr",
  },
  check_ns_reachable: {
    args: "INNER 10.8.0.1",
    good: `${INNER_VETH} && ip addr add 10.8.0.1/24 dev v0 && ip -n INNER addr add 10.8.0.2/24 dev v1`,
    broken: "ip link set v0 down",
  },
  check_ns_route: {
    args: "INNER default 10.8.0.1",
    good: `${INNER_VETH} && ip -n INNER addr add 10.8.0.2/24 dev v1 && ip -n INNER route add default via 10.8.0.1`,
    broken: "ip -n INNER route replace default via 10.8.0.3",
  },
  check_ns_sysctl: {
    args: "INNER net.ipv4.ip_forward 1",
    good: `${INNER} && ip netns exec INNER sysctl -qw net.ipv4.ip_forward=1`,
    broken: "ip netns exec INNER sysctl -qw net.ipv4.ip_forward=0",
  },
  check_ns_up: { args: "INNER v1", good: INNER_VETH, broken: "ip -n INNER link set v1 down" },
  check_ovs_port: { args: "br-mgmt vr-mgmt", good: "echo 'vr-mgmt br-mgmt' >\"$FAKE/ovs\"", broken: "echo 'vr-mgmt br-ex' >\"$FAKE/ovs\"" },
  check_reachable: {
    args: "10.9.0.2",
    good: `${VETH} && ip addr add 10.9.0.1/24 dev a0 && ip addr add 10.9.0.2/32 dev a1`,
    broken: "ip addr del 10.9.0.2/32 dev a1",
  },
  check_route: { args: "10.7.0.0/24 a0", good: `${VETH} && ip route add 10.7.0.0/24 dev a0`, broken: "ip route replace 10.7.0.0/24 dev a1" },
  check_route_to: { args: "10.7.0.9", good: `${VETH} && ip route add 10.7.0.0/24 dev a0`, broken: "ip route del 10.7.0.0/24 dev a0" },
  check_secret_file: {
    args: "/etc/sitegen/pass",
    good: 'mkdir -p "$root/etc/sitegen" && install -m 600 /dev/null "$root/etc/sitegen/pass"',
    broken: 'chmod 644 "$root/etc/sitegen/pass"',
  },
  check_sysctl: { args: "net.ipv4.ip_forward 1", good: "sysctl -qw net.ipv4.ip_forward=1", broken: "sysctl -qw net.ipv4.ip_forward=0" },
  // chronyd "runs" (pidof answers) and lists a source whose address only starts like the VIP: compared whole, it is not the VIP
  check_time_source: {
    args: "192.168.0.2",
    good: `mkdir -p "$root/etc/chrony" && : >"$root/etc/chrony/chrony.conf" && : >"$FAKE/running-chronyd" && ${CHRONY("192.168.0.2")}`,
    broken: CHRONY("192.168.0.21"),
  },
  check_unit: { args: "x.service", good: UNIT("enabled", "active"), broken: UNIT("enabled", "failed") },
  check_unit_file: { args: "x.service", good: `echo x.service >"$FAKE/units"; ${UNIT("static", "inactive")}`, broken: UNIT("enabled", "inactive") },
  check_vlan: { args: "a0.104 a0 104", broken: VETH },
};

/** What systemctl, crm_resource, ovs-vsctl, pidof and chronyc answer, from files the case writes under $FAKE. */
const FAKES: Record<string, string> = {
  systemctl: `case "$1" in
  is-enabled) s=$(cat "$FAKE/enabled" 2>/dev/null || echo disabled); [ "$2" = --quiet ] || echo "$s"; case "$s" in enabled|enabled-runtime|static) exit 0;; esac; exit 1;;
  is-active) s=$(cat "$FAKE/active" 2>/dev/null || echo inactive); [ "$s" = active ];;
  cat) grep -qx "$2" "$FAKE/units" 2>/dev/null;;
  *) exit 2;;
esac`,
  crm_resource: `[ "$1 $3" = "--resource --query-xml" ] && grep -qx "$2" "$FAKE/resources" 2>/dev/null`,
  pidof: `[ -f "$FAKE/running-$1" ]`,
  chronyc: `[ "$*" = "-n sources" ] && cat "$FAKE/sources"`,
  "ovs-vsctl": `[ "$1" = port-to-br ] && awk -v p="$2" '$1 == p {print $2; found=1} END {exit !found}' "$FAKE/ovs"`,
};

describe("every check kind catches a broken host", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sitegen-checks-"));
  let lib = "";

  beforeAll(() => {
    requireRootNetns();
    for (const t of ["iptables", "nft", "ping", "sysctl"]) requireTool(t);
    mkdirSync(join(tmp, "bin"));
    for (const [name, body] of Object.entries(FAKES)) {
      writeFileSync(join(tmp, "bin", name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(tmp, "bin", name), 0o755);
    }
    const fn = (n: string) => readFileSync(join(ROOT, "templates/shell/lib", `${n}.hbs`), "utf8");
    // the checks' contract (ok/bad) and strict mode as every generated lib.sh has them
    lib = [
      "set -euo pipefail",
      'root="${SITEGEN_ROOT:-}"',
      "ok() { printf 'ok   %s\\n' \"$*\"; }",
      "bad() { printf 'FAIL %s\\n' \"$*\"; return 1; }",
      ...CHECK_FNS.map(fn),
    ].join("\n");
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("has a case for every check function lib.sh can carry, and no other", () => {
    expect(Object.keys(CASES).sort()).toEqual([...CHECK_FNS].sort());
    for (const n of CHECK_FNS) expect(readFileSync(join(ROOT, "templates/shell/lib", `${n}.hbs`), "utf8"), n).not.toContain("{{");
  });

  it.each(Object.entries(CASES))("%s passes on the host as built and fails once it is broken", (name, c) => {
    const ns = new Netns(name.replace(/_/g, "").slice(0, 9));
    const inner = `${ns.name}-in`;
    const dir = join(tmp, name);
    mkdirSync(join(dir, "root"), { recursive: true });
    const env = { FAKE: dir, SITEGEN_ROOT: join(dir, "root"), PATH: `${join(tmp, "bin")}:${process.env.PATH}` };
    const script = (...parts: string[]) => [lib, "set +e", ...parts].join("\n").replace(/INNER/g, inner);
    const check = `${name} ${c.args}`;
    try {
      if (c.args.includes("INNER")) expect(spawnSync("ip", ["netns", "add", inner]).status).toBe(0);
      if (c.good) {
        const good = ns.sh(script(`set -e; ${c.good}; set +e`, check), env);
        expect(good.code, `${check} on the host as built\n${good.stdout}${good.stderr}`).toBe(0);
        expect(good.stdout).toMatch(/^ok {3}/m);
      }
      // the namespace (and INNER) keep the state the good run built: only the breakage runs now
      const broken = ns.sh(script(`set -e; ${c.broken}; set +e`, check), env);
      expect(broken.code, `${check} on the broken host\n${broken.stdout}${broken.stderr}`).toBe(1);
      expect(broken.stdout).toMatch(/^FAIL /m);
      expect(broken.stdout).not.toMatch(/^ok /m);
    } finally {
      spawnSync("ip", ["netns", "del", inner], { stdio: "ignore" });
      ns.delete();
    }
  });
});
