// Node takeover and give-back without loss (issue 25), each node a network namespace with its /etc
// below SITEGEN_ROOT, driven by the generated host.sh: audit, apply nodes and rollback nodes:
// - netplan owns the bridge, and the node's default routes are on other links (Fuel's admin network,
//   netplan's; a cloud /32 link, nobody's): all of them are taken over and given back; files added and
//   edited in /etc/netplan after the takeover are kept and reported; a file the give-back must restore
//   that was edited since is a STOP with the difference, and nothing is overwritten;
// - the bridge is not netplan's (live): routes and resolv.conf given back, a route gained since kept;
// - a node provisioned from sitegen's own cloud-init (its only default route is via the VIP): the audit
//   stops without a fallback_gateway, and with one the give-back routes via it;
// - every time daemon the audit can find (chrony, systemd-timesyncd, ntpsec), from configuration files
//   and stand-in status probes that read them (no daemon runs: none could touch this machine's clock).
// `netplan apply` is test/helpers/bin/netplan (the real one needs udevadm, and udev is not installed
// here, and systemd-networkd): the real netplan generate below the root, its routes made live with ip.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, hostCmd } from "../helpers/gen.js";
import { requireRootNetns, requireTool, run, type RunResult } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";

const tmp = tempDir("takeover");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sites = new Map<string, string>();
/** fuel-env with the nodes' bridges owned as given, and optionally a fallback gateway for the give-back (generated once per name). */
function site(name: string, owner: string, fallback?: string): string {
  const done = sites.get(name);
  if (done) return done;
  let text = fuelEnvText().replace(/owner: netplan/g, `owner: ${owner}`);
  if (fallback) text = text.replace("    nat: { masquerade", `    fallback_gateway: ${fallback}\n    nat: { masquerade`);
  sites.set(name, buildVariant(tmp, name, text));
  return sites.get(name)!;
}

/** Stand-ins on PATH: netplan (apply without networkd) and the time daemons' status probes (below). */
function bin(): string {
  const dir = join(tmp, "bin");
  mkdirSync(dir, { recursive: true });
  const put = (name: string, text: string) => writeFileSync(join(dir, name), text, { mode: 0o755 });
  put("netplan", `#!/bin/sh\nexec python3 ${JSON.stringify(join(ROOT, "test/helpers/bin/netplan"))} "$@"\n`);
  // each daemon "runs" when its configuration exists below the root; its status lists what that configuration names
  put(
    "pidof",
    `#!/bin/bash
case $1 in
  chronyd) [ -f "$SITEGEN_ROOT/etc/chrony/chrony.conf" ] ;;
  systemd-timesyncd) [ -f "$SITEGEN_ROOT/etc/systemd/timesyncd.conf" ] ;;
  ntpd) [ -f "$SITEGEN_ROOT/etc/ntpsec/ntp.conf" ] ;;
  *) exit 1 ;;
esac\n`,
  );
  // never the machine's own systemd: a restart of a "running" daemon is only said
  put(
    "systemctl",
    `#!/bin/bash
case "$1 $2" in
  "is-active --quiet") [ "$3" = ntpsec.service ] && pidof ntpd || { [ "$3" = systemd-timesyncd.service ] && pidof systemd-timesyncd; } ;;
  try-restart*) echo "(stand-in) systemctl $*" ;;
  *) exit 1 ;;
esac\n`,
  );
  put(
    "chronyc",
    `#!/bin/bash
[ "$*" = "-n sources" ] || exit 0  # reload sources: nothing to do here
echo "MS Name/IP address         Stratum Poll Reach LastRx Last sample"
echo "==============================================================================="
cat "$SITEGEN_ROOT"/etc/chrony/sources.d/*.sources 2>/dev/null | awk '$1 == "server" { printf "^? %-27s 0   6     0     -     +0ns[   +0ns] +/-    0ns\\n", $2 }'\n`,
  );
  // timesyncd's list: NTP= lines in order, the main file then the drop-ins; an empty NTP= resets it
  put(
    "timedatectl",
    `#!/bin/bash
[ "$*" = "show-timesync -p SystemNTPServers --value" ] || exit 1
cat "$SITEGEN_ROOT/etc/systemd/timesyncd.conf" "$SITEGEN_ROOT"/etc/systemd/timesyncd.conf.d/*.conf 2>/dev/null \\
  | awk -F= '$1 == "NTP" { if ($2 == "") l = ""; else l = (l == "" ? $2 : l " " $2) } END { print l }'\n`,
  );
  put(
    "ntpq",
    `#!/bin/bash
[ "$*" = "-pn" ] || exit 1
echo "     remote           refid      st t when poll reach   delay   offset   jitter"
echo "=============================================================================="
awk '$1 == "server" || $1 == "pool" { printf " %-16s .INIT.          16 u    -   64    0   0.0000   0.0000   0.0001\\n", $2 }' "$SITEGEN_ROOT/etc/ntpsec/ntp.conf"\n`,
  );
  return dir;
}

interface Node {
  root: string;
  sh: (script: string) => RunResult;
  snapshot: () => string;
  del: () => void;
}

/** A network namespace for host cmp1 of `out`, set up by `setup` (ip commands), with its /etc below a fresh root. */
function node(name: string, setup: string[]): Node {
  const root = join(tmp, `${name}-root`);
  // the folders every host has (host.sh apply records its audit in /run)
  for (const d of ["etc", "var/lib", "run"]) mkdirSync(join(root, d), { recursive: true });
  const ns = `sgto${name}${process.pid % 1000}`;
  expect(run("ip", ["netns", "add", ns]).code).toBe(0);
  const env = { ...process.env, SITEGEN_ROOT: root, PATH: `${bin()}:${process.env.PATH}` };
  const sh = (script: string) => run("ip", ["netns", "exec", ns, "bash", "-c", script], { env });
  const s = sh(setup.join(" && "));
  expect(s.stderr).toBe("");
  // every IPv4 route of every table (proto and metric included), then every file and link below the root
  const snapshot = () => sh("ip -4 route show table all").stdout + "\n" + listing(root);
  return { root, sh, snapshot, del: () => void run("ip", ["netns", "del", ns]) };
}

/** Every file and link below dir, but sitegen's own record of a passing audit (/run/sitegen: the audit's, not the node's state). */
function listing(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !join(e.parentPath, e.name).startsWith(join(dir, "run/sitegen")))
    .map((e) => {
      const p = join(e.parentPath, e.name);
      const what = e.isSymbolicLink() ? `-> ${readlinkSync(p)}` : e.isFile() ? readFileSync(p, "utf8") : "dir";
      return `${p.slice(dir.length)} ${(lstatSync(p).mode & 0o777).toString(8)} ${what}`;
    })
    .sort()
    .join("\n");
}

const veth = (a: string) => [`ip link add ${a} type veth peer name ${a}p`, `ip link set ${a} up`, `ip link set ${a}p up`];
const BRIDGE = [
  ...veth("eth1"),
  "ip link add br-mgmt type bridge",
  "ip link set eth1 master br-mgmt",
  "ip link set br-mgmt up",
  "ip addr add 192.168.0.21/24 dev br-mgmt",
];
// Fuel's own case: the node routes via the master on the admin network, not on the management bridge
const ADMIN = [...veth("eth0"), "ip addr add 10.20.0.21/24 dev eth0"];
// and a default on a link nobody's configuration names, through a gateway outside every subnet (a /32 host, as clouds give)
const CLOUD = [...veth("up0"), "ip addr add 10.0.2.15/32 dev up0", "ip route add default via 10.0.2.2 dev up0 onlink metric 500"];

const NETPLAN = `network:
  version: 2
  ethernets:
    eth0:
      addresses: [10.20.0.21/24]
      routes:
        - {to: default, via: 10.20.0.2, metric: 100}
      nameservers: {addresses: [10.20.0.2]}
    eth1: {dhcp4: false}
    eth7: {dhcp4: true}
  bridges:
    br-mgmt:
      interfaces: [eth1]
      addresses: [192.168.0.21/24]
      routes:
        - {to: 10.0.0.0/8, via: 192.168.0.254}
`;
const OTHER = "network:\n  version: 2\n  ethernets:\n    eth9: {dhcp4: false, optional: true}\n";

/** A node's /etc/netplan, 0600 as netplan wants, made live by the stand-in netplan apply. */
function netplanNode(name: string, files: Record<string, string>): Node {
  const n = node(name, [...BRIDGE, ...ADMIN, ...CLOUD, ...veth("eth9"), ...veth("eth7")]);
  mkdirSync(join(n.root, "etc/netplan"), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(n.root, "etc/netplan", f), text, { mode: 0o600 });
  const a = n.sh("netplan apply");
  expect(a.code, a.stderr).toBe(0);
  return n;
}

const defaults = (n: Node) => n.sh("ip -4 route show default").stdout;

describe("node takeover where netplan owns the bridge", () => {
  it("takes over every default route (netplan's on another link, and nobody's); gives them back and keeps what came since", () => {
    requireRootNetns();
    requireTool("netplan");
    requireTool("python3");
    const host = join(site("np", "netplan"), "hosts/cmp1");
    const n = netplanNode("np", { "50-cloud-init.yaml": NETPLAN, "01-other.yaml": OTHER });
    try {
      expect(defaults(n)).toBe("default via 10.20.0.2 dev eth0 proto static metric 100 \ndefault via 10.0.2.2 dev up0 metric 500 onlink \n");
      const before = n.snapshot();
      const audit = n.sh(hostCmd(host, "audit"));
      expect(audit.code, audit.stdout).toBe(0);
      expect(audit.stdout).toContain("PASS N2: default 'default via 10.20.0.2 dev eth0 proto static metric 100' is recorded");
      expect(audit.stdout).toContain("PASS N2: default 'default via 10.0.2.2 dev up0 metric 500 onlink' is recorded");
      expect(audit.stdout).toMatch(/WARN N3: no time daemon found/);
      const a = n.sh(hostCmd(host, "apply nodes"));
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt proto static \n"); // one default, on the bridge, from netplan
      const stripped = readFileSync(join(n.root, "etc/netplan/50-cloud-init.yaml"), "utf8");
      expect(stripped).not.toMatch(/10\.20\.0\.2\b/); // the admin link's route and resolver left netplan's files
      expect(stripped).toContain("192.168.0.254"); // other routes stay
      expect(stripped).toMatch(/eth7:\n\s+dhcp4: true\n\s+dhcp4-overrides:\n\s+use-routes: false\n/); // a lease's router would be a second default
      expect(readFileSync(join(n.root, "etc/netplan/01-other.yaml"), "utf8")).toBe(OTHER); // nothing to strip: untouched
      expect(n.sh(hostCmd(host, "audit")).stdout).toContain("PASS N2: already taken over");
      expect(n.sh(hostCmd(host, "apply nodes")).code).toBe(0); // a second apply keeps the first record

      // after the takeover the node gains a file and an edit to a file the takeover did not change
      const storage = "network:\n  version: 2\n  ethernets:\n    eth9: {dhcp4: false, optional: true, mtu: 9000}\n";
      writeFileSync(join(n.root, "etc/netplan/70-storage.yaml"), storage, { mode: 0o600 });
      const edited = OTHER.replace("optional: true", "optional: false");
      writeFileSync(join(n.root, "etc/netplan/01-other.yaml"), edited);
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/kept \S+\/etc\/netplan\/70-storage\.yaml: added after the takeover/);
      expect(r.stdout).toMatch(/kept \S+\/etc\/netplan\/01-other\.yaml: edited after the takeover, which did not change it/);
      expect(readFileSync(join(n.root, "etc/netplan/70-storage.yaml"), "utf8")).toBe(storage);
      // the snapshot again, but for the two changes the node made itself
      writeFileSync(join(n.root, "etc/netplan/01-other.yaml"), OTHER);
      rmSync(join(n.root, "etc/netplan/70-storage.yaml"));
      expect(n.sh("netplan generate").code).toBe(0); // networkd's files below /run as they were
      expect(n.snapshot()).toBe(before);
    } finally {
      n.del();
    }
  });

  it("stops the give-back, with the difference, when a file it must restore was edited since; gives back once it is undone", () => {
    requireRootNetns();
    requireTool("netplan");
    requireTool("python3");
    const host = join(site("np", "netplan"), "hosts/cmp1");
    const n = netplanNode("npe", { "50-cloud-init.yaml": NETPLAN });
    try {
      const before = defaults(n);
      expect(n.sh(hostCmd(host, "apply nodes")).code).toBe(0);
      const file = join(n.root, "etc/netplan/50-cloud-init.yaml");
      const taken = readFileSync(file, "utf8");
      const edited = taken.replace("10.20.0.21/24", "10.20.0.31/24"); // renumbered on the admin network since
      expect(edited).not.toBe(taken);
      writeFileSync(file, edited);
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("STOP");
      expect(r.stderr).toMatch(/50-cloud-init\.yaml was edited after the takeover; the rollback does not overwrite it/);
      expect(r.stderr).toMatch(/^-\s+- 10\.20\.0\.21\/24\n\+\s+- 10\.20\.0\.31\/24$/m); // the difference, as a unified diff
      expect(readFileSync(file, "utf8")).toBe(edited); // not overwritten
      expect(readdirSync(join(n.root, "etc/netplan"))).toContain("60-sitegen-vrouter.yaml"); // and the node still taken over, whole
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt proto static \n");
      writeFileSync(file, taken); // the operator undoes the edit (or merges it into the record) and rolls back again
      const again = n.sh(hostCmd(host, "rollback nodes"));
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(readFileSync(file, "utf8")).toBe(NETPLAN);
      expect(defaults(n)).toBe(before);
    } finally {
      n.del();
    }
  });
});

describe("node takeover where the bridge is not netplan's (live)", () => {
  it("takes over the default routes of every link and the resolver; gives them back, keeping a route gained since", () => {
    requireRootNetns();
    requireTool("python3");
    const host = join(site("live", "unmanaged"), "hosts/cmp1");
    const n = node("live", [
      ...BRIDGE,
      ...ADMIN,
      "ip route add default via 10.20.0.2 dev eth0 proto static",
      "ip route add default via 192.168.0.254 dev br-mgmt metric 300",
      ...CLOUD,
      ...veth("eth9"),
      "ip addr add 10.30.0.21/24 dev eth9",
      // and a multipath default over two links
      "ip route add default metric 700 nexthop via 10.20.0.1 dev eth0 weight 2 nexthop via 10.30.0.1 dev eth9",
    ]);
    try {
      mkdirSync(join(n.root, "run/systemd/resolve"), { recursive: true });
      writeFileSync(join(n.root, "run/systemd/resolve/stub-resolv.conf"), "nameserver 127.0.0.53\n");
      symlinkSync("../run/systemd/resolve/stub-resolv.conf", join(n.root, "etc/resolv.conf"));
      const before = n.snapshot();
      expect(n.sh(hostCmd(host, "audit")).code).toBe(0);
      const a = n.sh(hostCmd(host, "apply nodes"));
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt \n");
      expect(readFileSync(join(n.root, "etc/resolv.conf"), "utf8")).toContain("nameserver 192.168.0.2");
      expect(n.sh(hostCmd(host, "apply nodes")).code).toBe(0);
      // a default route the node gains after the takeover (a storage link's): the give-back keeps it
      expect(n.sh("ip route add default via 10.30.0.1 dev eth9 metric 900").code).toBe(0);
      // which verify sees: every default route must be via the VIP, not one of them
      const v = n.sh(hostCmd(host, "verify nodes"));
      expect(v.code).toBe(1);
      expect(v.stdout).toContain("FAIL default routes not via 192.168.0.2: default via 10.30.0.1 dev eth9 metric 900");
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("kept default metric 900 via 10.30.0.1 dev eth9: the node gained it after the takeover");
      expect(n.sh("ip route del default via 10.30.0.1 dev eth9 metric 900").code).toBe(0);
      expect(n.snapshot()).toBe(before);
      const again = n.sh(hostCmd(host, "rollback nodes"));
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(n.snapshot()).toBe(before);
    } finally {
      n.del();
    }
  });

  it("stops the give-back when resolv.conf was edited since the takeover, and overwrites nothing", () => {
    requireRootNetns();
    requireTool("python3");
    const host = join(site("live", "unmanaged"), "hosts/cmp1");
    const n = node("livee", [...BRIDGE, "ip route add default via 192.168.0.1 dev br-mgmt"]);
    try {
      writeFileSync(join(n.root, "etc/resolv.conf"), "nameserver 192.168.0.1\n");
      expect(n.sh(hostCmd(host, "apply nodes")).code).toBe(0);
      const edited = `${readFileSync(join(n.root, "etc/resolv.conf"), "utf8")}options edns0\n`;
      writeFileSync(join(n.root, "etc/resolv.conf"), edited);
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/STOP \S+\/etc\/resolv\.conf was changed after the takeover[^]*\+options edns0/);
      expect(readFileSync(join(n.root, "etc/resolv.conf"), "utf8")).toBe(edited);
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt \n");
    } finally {
      n.del();
    }
  });
});

describe("a node provisioned from sitegen's own cloud-init (its only default route is via the VIP)", () => {
  /** The node as cloud-init left it: sitegen's network-config as its netplan file, the route live. */
  const provisioned = (name: string, out: string) =>
    netplanNode(name, {
      "50-cloud-init.yaml": readFileSync(join(out, "hosts/cmp1/cloud-init/network-config"), "utf8"),
    });

  it("without a fallback_gateway, N2 stops and the takeover changes nothing", () => {
    requireRootNetns();
    requireTool("netplan");
    requireTool("python3");
    const out = site("np", "netplan");
    const n = provisioned("prov", out);
    try {
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt proto static \ndefault via 10.0.2.2 dev up0 metric 500 onlink \n");
      const audit = n.sh(hostCmd(`${out}/hosts/cmp1`, "audit"));
      expect(audit.code).toBe(1);
      expect(audit.stdout).toContain("STOP N2: default 'default via 192.168.0.2 dev br-mgmt proto static' is via the VIP already");
      const before = n.snapshot();
      const a = n.sh(hostCmd(`${out}/hosts/cmp1`, "apply nodes"));
      expect(a.code).toBe(1);
      // the audit stops it before anything runs (host.sh apply PHASE audits first); save-live would refuse as well
      expect(a.stdout).toContain("is via the VIP already (provisioned from sitegen's cloud-init?) and the model names no fallback_gateway");
      expect(a.stdout).toContain("!! audit stopped: nothing was changed");
      expect(n.snapshot()).toBe(before); // host.sh apply undid the script's install; nothing else was written
    } finally {
      n.del();
    }
  });

  it("with one, the give-back routes via it (netplan's file and the live route), not via the removed VIP", () => {
    requireRootNetns();
    requireTool("netplan");
    requireTool("python3");
    const out = site("fb", "netplan", "192.168.0.1");
    const n = provisioned("fb", out);
    try {
      const audit = n.sh(hostCmd(`${out}/hosts/cmp1`, "audit"));
      expect(audit.code, audit.stdout).toBe(0);
      expect(audit.stdout).toContain("the rollback gives back a route via fallback_gateway 192.168.0.1");
      expect(n.sh(hostCmd(`${out}/hosts/cmp1`, "apply nodes")).code).toBe(0);
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt proto static \n");
      const r = n.sh(hostCmd(`${out}/hosts/cmp1`, "rollback nodes"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(defaults(n)).toBe("default via 192.168.0.1 dev br-mgmt proto static \ndefault via 10.0.2.2 dev up0 metric 500 onlink \n");
      const file = readFileSync(join(n.root, "etc/netplan/50-cloud-init.yaml"), "utf8");
      expect(file).toMatch(/- to: default\n\s+via: 192\.168\.0\.1\n/);
      expect(file).not.toContain("via: 192.168.0.2");
    } finally {
      n.del();
    }
  });
});

describe("time: each daemon the audit can find takes the VIP as its source and gets its own files back", () => {
  const CHRONY = "pool 2.debian.pool.ntp.org iburst\nsourcedir /etc/chrony/sources.d\n";
  const TIMESYNCD = "[Time]\nNTP=ntp.example.org\n";
  const NTPSEC = "pool 0.debian.pool.ntp.org iburst\nrestrict default kod nomodify nopeer noquery limited\n";

  it("chrony, systemd-timesyncd and ntpsec: audit finds them, verify reads their status, the give-back keeps their later edits", () => {
    requireRootNetns();
    requireTool("python3");
    requireTool("chronyd");
    requireTool("unshare");
    const host = join(site("live", "unmanaged"), "hosts/cmp1");
    const n = node("ntp", [...BRIDGE, "ip route add default via 192.168.0.1 dev br-mgmt"]);
    try {
      const put = (f: string, text: string) => {
        mkdirSync(join(n.root, f, ".."), { recursive: true });
        writeFileSync(join(n.root, f), text);
      };
      put("etc/chrony/chrony.conf", CHRONY);
      mkdirSync(join(n.root, "etc/chrony/sources.d"));
      put("etc/systemd/timesyncd.conf", TIMESYNCD);
      put("etc/ntpsec/ntp.conf", NTPSEC);
      const before = n.snapshot();
      const audit = n.sh(hostCmd(host, "audit"));
      expect(audit.stdout).toContain("PASS N3: chrony systemd-timesyncd ntpsec found");
      const unverified = n.sh(`bash ${host}/../../../engine/lib.sh >/dev/null; source ${host}/../../../engine/lib.sh; check_time_source 192.168.0.2`);
      expect(unverified.code).toBe(1); // before the takeover, no daemon names the VIP
      const a = n.sh(hostCmd(host, "apply nodes"));
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(a.stdout).toContain("chrony: 192.168.0.2 is a source");
      expect(a.stdout).toContain("systemd-timesyncd: its servers are exactly 192.168.0.2");
      expect(a.stdout).toContain("ntpsec: 192.168.0.2 is a peer");
      expect(a.stdout).toContain("(stand-in) systemctl try-restart systemd-timesyncd.service");
      expect(a.stdout).toContain("(stand-in) systemctl try-restart ntpsec.service");
      // chronyd itself parses the source line (-p: print the configuration and exit, nothing started)
      const sources = join(n.root, "etc/chrony/sources.d/sitegen-vrouter.sources");
      const parsed = run("chronyd", ["-p", "-f", sources]);
      expect(parsed.code, parsed.stderr).toBe(0);
      expect(parsed.stdout).toContain("server 192.168.0.2 iburst");
      // ntpsec's ntpd reads its file with sitegen's line (started in unshare -Urn: it cannot touch this machine's clock)
      const ntpd = join(ROOT, ".tools/ntpsec/usr/sbin/ntpd");
      if (!existsSync(ntpd)) throw new Error(`${ntpd} is missing: run 'bash scripts/install-tools.sh' (it unpacks ntpsec there)`);
      const log = join(n.root, "..", "ntpsec.log");
      run("timeout", ["3", "unshare", "-Urn", ntpd, "-n", "-c", join(n.root, "etc/ntpsec/ntp.conf"), "-l", log, "-u", "root"], { timeoutMs: 10_000 });
      const ntpLog = readFileSync(log, "utf8");
      expect(ntpLog).toContain("CONFIG: readconfig: parsing file");
      expect(ntpLog).not.toMatch(/syntax error|CONFIG: .*(unknown|invalid|error)/i);
      // later edits by the node's own administrator, beside sitegen's line: kept
      const ntpsec = readFileSync(join(n.root, "etc/ntpsec/ntp.conf"), "utf8");
      writeFileSync(join(n.root, "etc/ntpsec/ntp.conf"), `${ntpsec}tos minsane 1\n`);
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readFileSync(join(n.root, "etc/ntpsec/ntp.conf"), "utf8")).toBe(`${NTPSEC}tos minsane 1\n`);
      writeFileSync(join(n.root, "etc/ntpsec/ntp.conf"), NTPSEC);
      expect(n.snapshot()).toBe(before);
    } finally {
      n.del();
    }
  });

  it("a drop-in of sitegen's edited since is a STOP, not removed", () => {
    requireRootNetns();
    requireTool("python3");
    const host = join(site("live", "unmanaged"), "hosts/cmp1");
    const n = node("ntpe", [...BRIDGE, "ip route add default via 192.168.0.1 dev br-mgmt"]);
    try {
      mkdirSync(join(n.root, "etc/systemd"), { recursive: true });
      writeFileSync(join(n.root, "etc/systemd/timesyncd.conf"), TIMESYNCD);
      expect(n.sh(hostCmd(host, "apply nodes")).code).toBe(0);
      const dropIn = join(n.root, "etc/systemd/timesyncd.conf.d/60-sitegen-vrouter.conf");
      writeFileSync(dropIn, `${readFileSync(dropIn, "utf8")}PollIntervalMaxSec=64\n`);
      const r = n.sh(hostCmd(host, "rollback nodes"));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/60-sitegen-vrouter\.conf was edited after the takeover[^]*\+PollIntervalMaxSec=64/);
      // and the STOP came before anything was given back: the resolver and the routes are still the VIP's
      expect(r.stdout).not.toContain("restore-");
      expect(readFileSync(dropIn, "utf8")).toContain("PollIntervalMaxSec=64");
      expect(readFileSync(join(n.root, "etc/resolv.conf"), "utf8")).toContain("nameserver 192.168.0.2");
      expect(defaults(n)).toBe("default via 192.168.0.2 dev br-mgmt \n");
    } finally {
      n.del();
    }
  });
});
