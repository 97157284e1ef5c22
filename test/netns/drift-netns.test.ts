// Drift (issue 12, point 3) in network namespaces this test creates and deletes: fuel-env's (static
// VIP) ctrl1 applied, then deliberate drift of each kind, reported by the generated host.sh drift as text
// and JSON with exit 1; a clean host reports none with exit 0.
import { chmodSync, cpSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRootNetns, requireTool } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText, withoutHa } from "../helpers/variant.js";
import { Topology } from "../helpers/vrouter-topology.js";
import { hostCmd, installedCopies, installedCopy } from "../helpers/gen.js";

interface Item {
  kind: string;
  what: string;
  where: string;
  expected: string;
  actual: string;
}

describe("host.sh drift in a network namespace (fuel-env ctrl1)", () => {
  const topo = new Topology(`sdr${process.pid % 1000}`);
  const tmp = tempDir("drift");
  const root = join(tmp, "root");
  let dir = "";
  const sh = (s: string) => topo.sh("ctrl1", `export SITEGEN_ROOT=${root}; ${s}`);
  const must = (s: string) => topo.must("ctrl1", s);
  function drift(phase: string): { code: number; text: string; items: Item[] } {
    const t = sh(hostCmd(dir, `drift ${phase}`));
    const j = sh(hostCmd(dir, `drift --json ${phase}`));
    expect(j.code).toBe(t.code);
    const doc = JSON.parse(j.stdout) as { host: string; drift: Item[] };
    expect(doc.host).toBe("ctrl1");
    return { code: t.code, text: t.stdout, items: doc.drift };
  }
  /** Make a change, expect exactly these drift items, undo it, expect none again. */
  function expectDrift(phase: string, make: () => void, undo: () => void, want: Array<Partial<Item>>): void {
    make();
    try {
      const d = drift(phase);
      expect(d.code, d.text).toBe(1);
      expect(d.items).toEqual(want.map((w) => expect.objectContaining(w)));
      expect(d.text).toContain(`drift ctrl1: ${want.length} difference(s)`);
    } finally {
      undo();
    }
    const clean = drift(phase);
    expect(clean.code, clean.text).toBe(0);
  }

  beforeAll(async () => {
    requireRootNetns();
    for (const t of ["nsenter", "unshare", "nft", "sha256sum"]) requireTool(t);
    dir = join(buildVariant(tmp, "static", withoutHa(fuelEnvText())), "hosts/ctrl1");
    topo.switch();
    await topo.controllers(["ctrl1"]);
    expect(sh(hostCmd(dir, "apply runtime")).code).toBe(0);
    // the services phase's files, as install_file puts them (systemd cannot run here)
    for (const [dest, copy] of installedCopies(dir)) {
      mkdirSync(dirname(join(root, dest)), { recursive: true });
      cpSync(copy, join(root, dest));
    }
  }, 60_000);

  afterAll(async () => {
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("reports no drift on the host as applied (text and JSON, exit 0)", () => {
    for (const p of ["runtime", "services", "persist"]) {
      const d = drift(p);
      expect(d.code, d.text).toBe(0);
      expect(d.items).toEqual([]);
      expect(d.text.trim()).toBe("drift ctrl1: none");
    }
  });

  it("addresses on the links it owns: extra, different, missing", () => {
    expectDrift(
      "runtime",
      () => must("ip -n vrouter addr add 192.168.0.99/24 dev vr-mgmt"),
      () => must("ip -n vrouter addr del 192.168.0.99/24 dev vr-mgmt"),
      [{ kind: "extra", what: "address", where: "vrouter/vr-mgmt", actual: "192.168.0.99/24" }],
    );
    expectDrift(
      "runtime",
      () => must("ip -n vrouter addr del 172.16.0.2/24 dev vr-ex && ip -n vrouter addr add 172.16.0.2/25 dev vr-ex"),
      () =>
        must(
          "ip -n vrouter addr del 172.16.0.2/25 dev vr-ex && ip -n vrouter addr add 172.16.0.2/24 dev vr-ex" +
            " && ip -n vrouter route replace default via 172.16.0.1 dev vr-ex",
        ),
      [
        { kind: "different", what: "address", where: "vrouter/vr-ex", expected: "172.16.0.2/24", actual: "172.16.0.2/25" },
        { kind: "missing", what: "route" },
      ],
    );
    expectDrift(
      "runtime",
      () => must("ip -n vrouter addr del 192.168.0.2/24 dev vr-mgmt"),
      () => must("ip -n vrouter addr add 192.168.0.2/24 dev vr-mgmt"),
      [{ kind: "missing", what: "address", where: "vrouter/vr-mgmt", expected: "192.168.0.2/24" }],
    );
  });

  it("routes in its namespace: extra, different, missing", () => {
    expectDrift(
      "runtime",
      () => must("ip -n vrouter route add 10.9.9.0/24 via 192.168.0.1"),
      () => must("ip -n vrouter route del 10.9.9.0/24"),
      [{ kind: "extra", what: "route", where: "vrouter", actual: "10.9.9.0/24 via 192.168.0.1" }],
    );
    const back = () => must("ip -n vrouter route replace default via 172.16.0.1 dev vr-ex");
    expectDrift("runtime", () => must("ip -n vrouter route replace default via 172.16.0.9 dev vr-ex"), back, [
      { kind: "different", what: "route", where: "vrouter", expected: "default via 172.16.0.1", actual: "default via 172.16.0.9" },
    ]);
    expectDrift("runtime", () => must("ip -n vrouter route del default"), back, [{ kind: "missing", what: "route", expected: "default via 172.16.0.1" }]);
  });

  it("namespace contents and the host-side links: an extra link, a port moved", () => {
    expectDrift(
      "runtime",
      () => must("ip -n vrouter link add sneaky0 type bridge"),
      () => must("ip -n vrouter link del sneaky0"),
      [{ kind: "extra", what: "link", where: "vrouter/sneaky0" }],
    );
    expectDrift(
      "runtime",
      () => must("ip link add br-x type bridge && ip link set vr-ex-p master br-x"),
      () => must("ip link set vr-ex-p master br-ex && ip link del br-x"),
      [{ kind: "different", what: "master", where: "vr-ex-p", expected: "br-ex", actual: "br-x" }],
    );
  });

  it("rules in the nftables table it owns: extra, missing, and the table itself", () => {
    const reload = () => must(`ip netns exec vrouter nft -f ${dir}/nftables-vrouter.nft`);
    expectDrift("runtime", () => must("ip netns exec vrouter nft add rule inet sitegen-vrouter forward tcp dport 22 accept"), reload, [
      { kind: "extra", what: "rule", where: "vrouter/inet sitegen-vrouter", actual: "forward: tcp dport 22 accept" },
    ]);
    expectDrift("runtime", () => must("ip netns exec vrouter nft flush chain inet sitegen-vrouter postrouting"), reload, [
      { kind: "missing", what: "rule", expected: expect.stringMatching(/^postrouting: oifname "vr-ex" ip saddr 192.168.0.0\/24 masquerade/) },
    ]);
    expectDrift("runtime", () => must("ip netns exec vrouter nft delete table inet sitegen-vrouter"), reload, [
      { kind: "missing", what: "table", where: "vrouter/inet sitegen-vrouter" },
    ]);
  });

  it("installed files against their copies' sha256: different content and mode, missing, extra", () => {
    const conf = join(root, "etc/sitegen/vrouter/dnsmasq.conf");
    const orig = installedCopy(dir, "/etc/sitegen/vrouter/dnsmasq.conf");
    const restore = () => {
      cpSync(orig, conf);
      chmodSync(conf, 0o644);
    };
    expectDrift("services", () => appendFileSync(conf, "server=203.0.113.1\n"), restore, [
      { kind: "different", what: "file", where: "/etc/sitegen/vrouter/dnsmasq.conf" },
    ]);
    expectDrift("services", () => chmodSync(conf, 0o600), restore, [{ kind: "different", what: "mode", expected: "0644", actual: "0600" }]);
    expectDrift("services", () => rmSync(conf), restore, [{ kind: "missing", what: "file", where: "/etc/sitegen/vrouter/dnsmasq.conf" }]);
    const stray = join(root, "etc/sitegen/vrouter/stray.conf");
    expectDrift(
      "services",
      () => {
        mkdirSync(join(root, "etc/sitegen/vrouter"), { recursive: true });
        writeFileSync(stray, "x\n");
      },
      () => rmSync(stray),
      [{ kind: "extra", what: "file", where: "/etc/sitegen/vrouter/stray.conf" }],
    );
  });

  it("a namespace that is gone is one missing item, not a cascade", () => {
    expect(sh(hostCmd(dir, "rollback runtime")).code).toBe(0);
    const d = drift("runtime");
    expect(d.code).toBe(1);
    expect(d.items).toEqual([
      expect.objectContaining({ kind: "missing", what: "link", where: "vr-ex-p" }),
      expect.objectContaining({ kind: "missing", what: "link", where: "vr-mgmt-p" }),
      expect.objectContaining({ kind: "missing", what: "namespace", where: "vrouter" }),
    ]);
  });
});
