// Node takeover with exact give-back (issue: a node keeps what it had). Two owners:
// - netplan owns the bridge: node-takeover.py saves the node's netplan files, strips the bridge's
//   default route and resolvers, the drop-in comes in; netplan itself (generate --root-dir) must then
//   render exactly one default route, via the VIP; the give-back restores the files byte for byte.
//   (netplan apply needs systemd: the qemu guest suite applies it for real.)
// - another owner: the takeover is live. apply.sh nodes and rollback.sh nodes run for real in a
//   network namespace, with the node's /etc below SITEGEN_ROOT: routes and resolv.conf (a symlink
//   here, as systemd-resolved leaves it) afterwards equal the snapshot taken before.
import { chmodSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireRootNetns, requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText } from "../helpers/variant.js";

const tmp = tempDir("takeover");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** fuel-env without NTP (no chronyd to reload in a test), with the nodes' bridges owned as given. */
const nodesOwnedBy = (owner: string) => fuelEnvText().replace(/^ {4}ntp:\n(?: {6}.*\n)+/m, "").replace(/owner: netplan/g, `owner: ${owner}`);

const BEFORE = `network:
  version: 2
  ethernets:
    eth1: {dhcp4: false}
  bridges:
    br-mgmt:
      interfaces: [eth1]
      addresses: [192.168.0.21/24]
      gateway4: 192.168.0.1
      routes:
        - {to: default, via: 192.168.0.1, metric: 200}
        - {to: 10.0.0.0/8, via: 192.168.0.254}
      nameservers: {addresses: [192.168.0.1], search: [lab.example]}
`;

/** Every file of a tree with its bytes and mode. */
function tree(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const p = join(e.parentPath, e.name);
    return [p.slice(dir.length), `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, "utf8")}`];
  }));
}

describe("node takeover where netplan owns the bridge", () => {
  it("leaves netplan one default route (via the VIP) and the VIP as resolver; the give-back restores the files byte for byte", () => {
    requireTool("netplan");
    requireTool("python3");
    const site = buildVariant(tmp, "np", nodesOwnedBy("netplan"));
    const root = join(tmp, "np-root");
    mkdirSync(join(root, "etc/netplan"), { recursive: true });
    writeFileSync(join(root, "etc/netplan/50-cloud-init.yaml"), BEFORE);
    writeFileSync(join(root, "etc/netplan/01-other.yaml"), "network:\n  version: 2\n  ethernets:\n    eth9: {dhcp4: true}\n");
    for (const f of readdirSync(join(root, "etc/netplan"))) chmodSync(join(root, "etc/netplan", f), 0o600);
    const before = tree(join(root, "etc/netplan"));
    const script = join(site, "hosts/cmp1/files/etc/sitegen/vrouter/node-takeover.py");
    const py = (...a: string[]) => run("python3", [script, ...a]);
    const np = join(root, "etc/netplan");
    const saved = join(root, "var/lib/sitegen/vrouter/node-before");

    expect(py("save-netplan", np, saved).code).toBe(0);
    expect(py("save-netplan", np, saved).stdout).toContain("kept the earlier copy"); // a second run keeps the first
    expect(py("strip-netplan", np, "60-sitegen-vrouter.yaml").code).toBe(0);
    writeFileSync(join(np, "60-sitegen-vrouter.yaml"), readFileSync(join(site, "hosts/cmp1/files/etc/netplan/60-sitegen-vrouter.yaml")), { mode: 0o600 });
    const g = run("netplan", ["generate", "--root-dir", root]);
    expect(g.stderr).toBe("");
    const net = readFileSync(join(root, "run/systemd/network/10-netplan-br-mgmt.network"), "utf8");
    expect(net.match(/Destination=0\.0\.0\.0\/0/g)).toHaveLength(1);
    expect(net).toMatch(/\[Route\]\nDestination=0\.0\.0\.0\/0\nGateway=192\.168\.0\.2\n/);
    expect(net).toMatch(/Destination=10\.0\.0\.0\/8\nGateway=192\.168\.0\.254/); // other routes stay
    expect(net).toContain("DNS=192.168.0.2");
    expect(net).not.toContain("DNS=192.168.0.1");
    expect(net).not.toMatch(/^Gateway=192\.168\.0\.1$/m);
    expect(statSync(join(np, "50-cloud-init.yaml")).mode & 0o777).toBe(0o600);

    // the inverse: the drop-in goes, the saved files come back
    rmSync(join(np, "60-sitegen-vrouter.yaml"));
    expect(py("restore-netplan", np, saved).code).toBe(0);
    expect(tree(np)).toEqual(before);
    expect(() => statSync(saved)).toThrow();
    expect(py("restore-netplan", np, saved).stdout).toContain("nothing to give back");
  });
});

describe("node takeover where the bridge is not netplan's (live)", () => {
  it("apply.sh nodes routes and resolves through the VIP; rollback.sh nodes gives back routes and resolv.conf exactly", () => {
    requireRootNetns();
    requireTool("python3");
    const site = buildVariant(tmp, "live", nodesOwnedBy("unmanaged"));
    const host = join(site, "hosts/cmp1");
    const root = join(tmp, "live-root");
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "run/systemd/resolve"), { recursive: true });
    writeFileSync(join(root, "run/systemd/resolve/stub-resolv.conf"), "nameserver 127.0.0.53\n");
    symlinkSync("../run/systemd/resolve/stub-resolv.conf", join(root, "etc/resolv.conf"));
    const ns = `sgto${process.pid % 10000}`;
    const inNs = (script: string) => run("ip", ["netns", "exec", ns, "bash", "-c", script], { env: { ...process.env, SITEGEN_ROOT: root } });
    const routes = () => inNs("ip -4 route show; ip -4 route show table all type unicast | grep -c . || true").stdout;
    try {
      expect(run("ip", ["netns", "add", ns]).code).toBe(0);
      const setup = inNs(["ip link add br-mgmt type bridge", "ip link add eth1 type veth peer name eth1p", "ip link set eth1 master br-mgmt",
        "ip link set eth1 up", "ip link set eth1p up", "ip link set br-mgmt up", "ip addr add 192.168.0.21/24 dev br-mgmt",
        "ip route add default via 192.168.0.1 dev br-mgmt proto static", "ip route add default via 192.168.0.254 dev br-mgmt metric 300",
        // a default on another link through a gateway outside every subnet here (a /32 host, as clouds give): given back onlink
        "ip link add up0 type veth peer name up0p", "ip link set up0 up", "ip link set up0p up", "ip addr add 10.0.2.15/32 dev up0",
        "ip route add default via 10.0.2.2 dev up0 onlink metric 500"].join(" && "));
      expect(setup.stderr).toBe("");
      const before = routes();
      const audit = inNs(`bash ${host}/audit.sh`);
      expect(audit.code, audit.stdout).toBe(0);
      const a = inNs(`bash ${host}/apply.sh nodes`);
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(audit.stdout).toMatch(/PASS N2: current default 'default via 192\.168\.0\.1 dev br-mgmt proto static' is saved/);
      expect(inNs("ip -4 route show default").stdout).toBe("default via 192.168.0.2 dev br-mgmt \n");
      expect(readFileSync(join(root, "etc/resolv.conf"), "utf8")).toContain("nameserver 192.168.0.2");
      // a second apply changes nothing, and keeps the first record of what the node had
      expect(inNs(`bash ${host}/apply.sh nodes`).code).toBe(0);
      const r = inNs(`bash ${host}/rollback.sh nodes`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(routes()).toBe(before);
      // a second rollback (the first removed the script) has nothing left to give back, and says so by doing nothing
      const again = inNs(`bash ${host}/rollback.sh nodes`);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).not.toContain("restore-live");
      expect(routes()).toBe(before);
      expect(readlinkSync(join(root, "etc/resolv.conf"))).toBe("../run/systemd/resolve/stub-resolv.conf");
      expect(readdirSync(root).sort()).toEqual(["etc", "run", "var"]);
      expect(readdirSync(join(root, "var/lib"))).toEqual([]); // the record and sitegen's own directories are gone
      expect(readdirSync(join(root, "etc")).sort()).toEqual(["resolv.conf"]); // remove_file also drops the emptied /etc/sitegen
    } finally {
      run("ip", ["netns", "del", ns]);
    }
  });
});
