// Real checkers for the virtual router's artifacts (issue 3 section 3), on fuel-env as committed
// (with failover), on a variant that takes every other branch (Open vSwitch legs, iptables, ntpd, an
// NTP name) and on fuel-env without failover (static VIPs, masquerade): dnsmasq --test, chronyd -p -f,
// ntpd in unshare -Urn, nft -c -f inside a network namespace, the iptables commands applied for real
// inside one, cloud-init schema, netplan generate, shellcheck and systemd-analyze verify for the
// variants (the committed tree's are in checkers.test.ts). The failover artifacts: checkers-ha.test.ts.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listFiles } from "../../src/emit/drift.js";
import { HOST_SH, ROOT, stepsOf } from "../helpers/gen.js";
import { requireRootNetns, requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { CHECKED_FILES, landsAt } from "../helpers/checker-kinds.js";
import { buildVariant, fuelEnvText, variantText, withoutHa } from "../helpers/variant.js";

const NTPD = join(ROOT, ".tools/ntpsec/usr/sbin/ntpd");
const tmp = tempDir("checkers-vrouter");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const trees = {
  committed: join(ROOT, "out/fuel-env"),
  variant: buildVariant(tmp, "variant", variantText()),
  static: buildVariant(tmp, "static", withoutHa(fuelEnvText())),
};
const all = (suffix: RegExp) =>
  Object.entries(trees).flatMap(([t, dir]) =>
    listFiles(dir)
      .filter((f) => suffix.test(landsAt(join(dir, f))))
      .map((f) => ({ name: `${t}: ${f}`, path: join(dir, f) })),
  );
const cases = <T extends { name: string }>(xs: T[]) => {
  expect(xs.length).toBeGreaterThan(0);
  return xs.map((x) => [x.name, x] as const);
};

/** Run argv inside a fresh network namespace that is deleted afterwards, whatever happens. */
function inScratchNetns<T>(f: (exec: (argv: string[]) => ReturnType<typeof run>) => T): T {
  requireRootNetns();
  const ns = `sgck${process.pid % 100000}`;
  const add = run("ip", ["netns", "add", ns]);
  if (add.code !== 0) throw new Error(add.stderr);
  try {
    return f((argv) => run("ip", ["netns", "exec", ns, ...argv]));
  } finally {
    run("ip", ["netns", "del", ns]);
  }
}

describe("trees hold the expected variants", () => {
  it("the committed tree uses nftables and chrony; the variant OVS, iptables, ntpd and a resolv.conf for the namespace", () => {
    expect(existsSync(join(trees.committed, "hosts/ctrl1/files/chrony.conf"))).toBe(true);
    expect(existsSync(join(trees.variant, "hosts/ctrl1/files/ntp.conf"))).toBe(true);
    expect(stepsOf(readFileSync(join(trees.variant, "hosts/ctrl1", HOST_SH), "utf8"))).toContain(
      "ovs-vsctl --may-exist add-port br-mgmt vr-mgmt -- set Interface vr-mgmt type=internal",
    );
    expect(readFileSync(join(trees.variant, "hosts/ctrl1/files/resolv.conf"), "utf8")).toContain("nameserver 198.51.100.53\n");
  });
});

describe("dnsmasq --test", () => {
  it.each(cases(all(CHECKED_FILES.dnsmasq)))("%s", (_, f) => {
    requireTool("dnsmasq");
    const r = run("dnsmasq", ["--test", "-C", f.path]);
    expect(r.stderr.trim()).toBe("dnsmasq: syntax check OK.");
    expect(r.code).toBe(0);
  });
});

describe("chronyd -p -f (parse only; never started outside a namespace)", () => {
  // the router's chrony.conf, and the chrony source a deployed node gets (the same syntax)
  it.each(cases(all(CHECKED_FILES.chronyd)))("%s", (_, f) => {
    requireTool("chronyd");
    const r = run("chronyd", ["-p", "-f", f.path]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(f.path.endsWith(".sources") ? /^server 192\.168\.0\.2 iburst$/m : /allow 192\.168\.0\.0\/24/);
  });
});

describe("ntpd started in unshare -Urn (no check-only mode), its log free of config errors", () => {
  it.each(cases(all(CHECKED_FILES.ntpd)))("%s", (_, f) => {
    requireTool("unshare");
    if (!existsSync(NTPD)) throw new Error(`${NTPD} is missing: run 'bash scripts/install-tools.sh' (it unpacks ntpsec there)`);
    const log = join(tmp, `${basename(f.path)}-${Math.random().toString(36).slice(2)}.log`);
    run("timeout", ["3", "unshare", "-Urn", NTPD, "-n", "-c", f.path, "-l", log, "-u", "root"], { timeoutMs: 10_000 });
    const text = readFileSync(log, "utf8");
    expect(text).toContain("CONFIG: readconfig: parsing file");
    expect(text).not.toMatch(/syntax error|CONFIG: .*(unknown|invalid|error)/i);
  });

  it("the same check catches a broken sample", () => {
    const bad = join(tmp, "bad-ntp.conf");
    writeFileSync(bad, "serverr 198.51.100.123 iburst\n");
    const log = join(tmp, "bad-ntp.log");
    run("timeout", ["3", "unshare", "-Urn", NTPD, "-n", "-c", bad, "-l", log, "-u", "root"], { timeoutMs: 10_000 });
    expect(readFileSync(log, "utf8")).toMatch(/syntax error/);
  });
});

describe("nft -c -f inside a network namespace", () => {
  it.each(cases(all(CHECKED_FILES.nft)))("%s", (_, f) => {
    requireTool("nft");
    const r = inScratchNetns((exec) => exec(["nft", "-c", "-f", f.path]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("iptables variant (with failover): the generated commands applied for real inside a network namespace", () => {
  it("every rule loads (a misspelt target would not) and -C finds it afterwards", () => {
    requireTool("iptables");
    const script = stepsOf(readFileSync(join(trees.variant, "hosts/ctrl1", HOST_SH), "utf8"));
    const rules = [...script.matchAll(/then run ip netns exec vrouter (iptables -w -t \S+ -A .*?); fi/g)].map((m) => m[1]!);
    expect(rules.length).toBe(9);
    const words = (line: string) => line.split(" ").map((w) => w.replace(/^'(.*)'$/, "$1"));
    inScratchNetns((exec) => {
      for (const line of rules) {
        const r = exec(words(line));
        expect(r.stderr, line).toBe("");
        expect(r.code, line).toBe(0);
        expect(exec(words(line.replace(" -A ", " -C "))).code, line).toBe(0);
      }
      expect(exec(["iptables", "-t", "nat", "-S", "POSTROUTING"]).stdout).toContain("-A POSTROUTING -s 192.168.0.0/24 -o vr-ex -j SNAT --to-source 172.16.0.2");
      expect(exec(["iptables", "-S", "FORWARD"]).stdout).toContain("-A FORWARD -m conntrack --ctstate INVALID -j DROP");
    });
  });
});

describe("cloud-init schema -c user-data", () => {
  it.each(cases(all(CHECKED_FILES["cloud-init"])))("%s", (_, f) => {
    requireTool("cloud-init");
    const r = run("cloud-init", ["schema", "-c", f.path]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Valid cloud-config");
  });
});

describe("netplan generate on node network-config (cloud-init 22.4 has no schema for it)", () => {
  it.each(cases(all(/cloud-init\/network-config$/)))("%s", (name, f) => {
    requireTool("netplan");
    const root = join(tmp, "netplan", name.replace(/[^A-Za-z0-9]+/g, "-"));
    mkdirSync(join(root, "etc/netplan"), { recursive: true });
    copyFileSync(f.path, join(root, "etc/netplan/50-cloud-init.yaml"));
    run("chmod", ["600", join(root, "etc/netplan/50-cloud-init.yaml")]);
    const r = run("netplan", ["generate", "--root-dir", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const net = readFileSync(join(root, "run/systemd/network/10-netplan-br-mgmt.network"), "utf8");
    expect(net).toMatch(/Address=192\.168\.0\.2[12]\/24/);
    expect(net).toContain("Gateway=192.168.0.2");
    expect(net).toContain("DNS=192.168.0.2");
  });
});

describe("variant trees: shellcheck and systemd-analyze verify", () => {
  it.each(cases(all(CHECKED_FILES.shellcheck).filter((f) => !f.name.startsWith("committed"))))("%s", (_, f) => {
    requireTool("shellcheck");
    const r = run("shellcheck", ["-x", "-f", "gcc", "-s", "bash", f.path]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
  it.each(cases(all(CHECKED_FILES["systemd-analyze"]).filter((f) => !f.name.startsWith("committed"))))("%s", (_, f) => {
    requireTool("systemd-analyze");
    const r = run("systemd-analyze", ["verify", f.path]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("the namespace's resolv.conf, read by the C library in a network namespace", () => {
  // What `ip netns exec` does with /etc/netns/NS/resolv.conf, done in a private mount namespace (the
  // host's /etc is never touched): a query from one namespace must reach the nameserver the file
  // names, here a dnsmasq the test runs at that address in a second namespace, over a veth pair.
  it.each(cases(all(CHECKED_FILES.resolver).slice(0, 1)))("%s", (_, f) => {
    requireRootNetns();
    requireTool("dnsmasq");
    const server = /^nameserver (\S+)$/m.exec(readFileSync(f.path, "utf8"))![1]!;
    const [c, s] = [`sgrc${process.pid % 10000}`, `sgrs${process.pid % 10000}`];
    const steps = [
      ["netns", "add", c],
      ["netns", "add", s],
      ["link", "add", "rc0", "netns", c, "type", "veth", "peer", "name", "rs0", "netns", s],
      ["-n", c, "addr", "add", "198.51.100.1/24", "dev", "rc0"],
      ["-n", s, "addr", "add", `${server}/24`, "dev", "rs0"],
      ["-n", c, "link", "set", "rc0", "up"],
      ["-n", s, "link", "set", "rs0", "up"],
      ["-n", s, "link", "set", "lo", "up"],
    ];
    let pid = 0;
    try {
      for (const a of steps) expect(run("ip", a).stderr).toBe("");
      const d = run("ip", [
        "netns",
        "exec",
        s,
        "dnsmasq",
        "--no-resolv",
        "--no-hosts",
        `--listen-address=${server}`,
        "--bind-interfaces",
        "--address=/probe.sitegen.test/192.0.2.77",
        `--pid-file=${join(tmp, "rc-dnsmasq.pid")}`,
      ]);
      expect(d.code).toBe(0);
      pid = Number(readFileSync(join(tmp, "rc-dnsmasq.pid"), "utf8"));
      const q = run("ip", ["netns", "exec", c, "unshare", "-m", "sh", "-c", `mount --bind ${f.path} /etc/resolv.conf && getent ahostsv4 probe.sitegen.test`], {
        timeoutMs: 20_000,
      });
      expect(q.stdout).toMatch(/^192\.0\.2\.77\s/);
    } finally {
      if (pid) process.kill(pid);
      run("ip", ["netns", "del", c]);
      run("ip", ["netns", "del", s]);
    }
  });
});
