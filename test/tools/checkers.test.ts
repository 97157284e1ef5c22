// Every generated artifact is checked by the real program that consumes it (Debian packages,
// installed by scripts/install-tools.sh): shellcheck, systemd-analyze verify, netplan generate.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "../../src/emit/drift.js";
import { CHECKED_FILES, landsAt } from "../helpers/checker-kinds.js";
import { ROOT } from "../helpers/gen.js";
import { requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

/** Every generated tree: committed out/<site>/ and the golden cases' expected output. */
function trees(): string[] {
  const out = readdirSync(join(ROOT, "out"))
    .filter((d) => !d.startsWith("."))
    .map((d) => join(ROOT, "out", d));
  const golden = join(ROOT, "test/cases/golden");
  return [...out, ...readdirSync(golden).map((c) => join(golden, c, "expected"))];
}
const files = trees().flatMap((t) => listFiles(t).map((f) => join(t, f)));
const rel = (p: string) => p.slice(ROOT.length + 1);
const scripts = files.filter((f) => CHECKED_FILES.shellcheck.test(landsAt(f)));
const units = files.filter((f) => CHECKED_FILES["systemd-analyze"].test(landsAt(f)));
// node network-config files are checked in checkers-vrouter.test.ts
const netplans = files.filter((f) => CHECKED_FILES.netplan.test(landsAt(f)) && !f.endsWith("network-config"));

let tmp: string;
beforeAll(() => {
  tmp = tempDir("checkers");
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("artifacts exist to check", () => {
  it("scripts, units and netplan files", () => {
    expect(scripts.length).toBeGreaterThan(10);
    expect(units.length).toBeGreaterThanOrEqual(3);
    expect(netplans.length).toBeGreaterThanOrEqual(1);
  });
});

describe("python3 -m py_compile (the node takeover helper; it also runs in node-takeover.test.ts)", () => {
  const pys = files.filter((f) => CHECKED_FILES.python.test(landsAt(f)));
  it.each(pys.map(rel))("%s", (f) => {
    requireTool("python3");
    const r = run("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", join(ROOT, f)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

/**
 * Where shellcheck reads a script: a golden case's tree is copied beside a copy of the engine, as gen
 * writes a site beside out/engine/, so that -x follows each host script to the engine's lib.sh.
 */
const GOLDEN = /^test\/cases\/golden\/([^/]+)\/expected\/(.*)$/;
function checkedPath(f: string): string {
  const m = GOLDEN.exec(f);
  if (!m) return join(ROOT, f);
  const site = join(tmp, "shellcheck", m[1]!);
  if (!existsSync(site)) {
    cpSync(join(ROOT, "test/cases/golden", m[1]!, "expected"), site, { recursive: true });
    if (!existsSync(join(tmp, "shellcheck/engine"))) cpSync(join(ROOT, "out/engine"), join(tmp, "shellcheck/engine"), { recursive: true });
  }
  return join(site, m[2]!);
}

describe("shellcheck", () => {
  it.each(scripts.map(rel))("%s", (f) => {
    requireTool("shellcheck");
    const r = run("shellcheck", ["-x", "-f", "gcc", "-s", "bash", checkedPath(f)]); // -x: follow the engine's lib.sh
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("systemd-analyze verify", () => {
  it.each(units.map(rel))("%s", (f) => {
    requireTool("systemd-analyze");
    // Units it Requires/Wants that this machine lacks (libvirtd here) get a stand-in beside it.
    const dir = join(tmp, "units", basename(f));
    mkdirSync(dir, { recursive: true });
    const unit = join(dir, basename(landsAt(join(ROOT, f)))); // systemd reads the unit's name from the file's
    copyFileSync(join(ROOT, f), unit);
    const deps = [...readFileSync(unit, "utf8").matchAll(/^(?:Requires|Wants)=(.+)$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    const standins = deps
      .filter((d) => !existsSync(`/lib/systemd/system/${d}`))
      .map((d) => {
        writeFileSync(join(dir, d), "[Unit]\nDescription=stand-in for the test\n[Service]\nExecStart=/bin/true\n");
        return join(dir, d);
      });
    const r = run("systemd-analyze", ["verify", ...standins, unit]);
    expect(r.stderr + r.stdout).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("netplan generate --root-dir", () => {
  it.each(netplans.map(rel))("%s", (f) => {
    requireTool("netplan");
    const root = join(tmp, "netplan", basename(f, ".yaml"));
    mkdirSync(join(root, "etc/netplan"), { recursive: true });
    const doc = parse(readFileSync(join(ROOT, f), "utf8")) as { network: { vlans?: Record<string, { id: number; link: string }> } };
    const vlans = Object.entries(doc.network.vlans ?? {});
    // The drop-in joins a netplan config that already defines the bridge (audit gate G5 checks that on the host).
    const bridges = Object.fromEntries([...new Set(vlans.map(([, v]) => v.link))].map((b) => [b, { dhcp4: false }]));
    writeFileSync(join(root, "etc/netplan/01-standin.yaml"), `network:\n  version: 2\n  bridges: ${JSON.stringify(bridges)}\n`, { mode: 0o600 });
    const name = basename(landsAt(join(ROOT, f)));
    copyFileSync(join(ROOT, f), join(root, "etc/netplan", name));
    chmodSync(join(root, "etc/netplan", name), 0o600); // as install_file places it; a git checkout keeps only 0644/0755
    const r = run("netplan", ["generate", "--root-dir", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const [name, v] of vlans) {
      const netdev = readFileSync(join(root, `run/systemd/network/10-netplan-${name}.netdev`), "utf8");
      expect(netdev).toContain(`Kind=vlan`);
      expect(netdev).toContain(`Id=${v.id}`);
    }
  });
});
