// The gate registry (src/plan/gates.ts): one id and one shell partial per kind, nothing unregistered,
// and in every compiled site an id names exactly one kind.
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../../src/compile.js";
import { GATES, type GateKind } from "../../../src/plan/gates.js";
import { HEADER_MARK } from "../../../src/render/header.js";
import { render } from "../../../src/render/hbs.js";
import { ROOT } from "../../helpers/gen.js";
import { requireTool, run } from "../../helpers/tools.js";
import { tempDir } from "../../helpers/tree.js";

const PARTIALS = join(ROOT, "templates/shell/gates");
const kinds = Object.keys(GATES) as GateKind[];

function sites(): Array<[string, string]> {
  const inv = readdirSync(join(ROOT, "inventories"))
    .filter((f) => !f.endsWith(".lock.yaml"))
    .map((f) => join(ROOT, "inventories", f));
  const golden = readdirSync(join(ROOT, "test/cases/golden")).map((c) => join(ROOT, "test/cases/golden", c, `${c}.yaml`));
  return [...inv, ...golden].map((p) => [
    p,
    p
      .split("/")
      .at(-1)!
      .replace(/\.yaml$/, ""),
  ]);
}

describe("gate registry", () => {
  it("gives every kind its own id", () => {
    const ids = kinds.map((k) => GATES[k].id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has a partial for every kind and no partial without a kind", () => {
    const partials = readdirSync(PARTIALS)
      .map((f) => f.replace(/\.hbs$/, ""))
      .sort();
    expect(partials).toEqual([...kinds].sort());
  });

  it("uses each id for one kind only, on every host of every site", () => {
    for (const [path, site] of sites()) {
      const r = compile(readFileSync(path, "utf8"), path, { site, source: path });
      if (!r.ok) throw new Error(`${path} does not compile`);
      const byId = new Map<string, Set<string>>();
      for (const g of r.build.plan.gates) byId.set(g.id, (byId.get(g.id) ?? new Set()).add(g.kind));
      for (const [id, ks] of byId) expect([...ks], `${site} ${id}`).toHaveLength(1);
      expect(r.build.plan.gates.every((g) => g.id === GATES[g.kind].id)).toBe(true);
    }
  });
});

describe("G8 unit-ours (read-only, under a fixture root)", () => {
  const root = tempDir("g8");
  const unit = "ssh.service";
  const gateShell = [render("shell/audit-unit", {}), render("shell/gates/unit-ours", { id: "G8", subject: unit, params: { unit, marker: HEADER_MARK } })].join(
    "\n",
  );
  /** The gate's verdict with the fixture root as / (the audit's $root). */
  const verdict = (): string => {
    requireTool("bash");
    const r = run("bash", ["-c", `set -euo pipefail; root=${root}; pass() { echo "PASS $*"; }; stop() { echo "STOP $*"; }\n${gateShell}`]);
    return r.stdout.trim();
  };
  const put = (dir: string, text: string) => {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, unit), text);
  };
  const clean = () => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
  };

  it("passes when no unit has the name, and when the one in /etc is sitegen's (a re-run)", () => {
    clean();
    expect(verdict()).toMatch(/^PASS G8 ssh.service: free/);
    put("etc/systemd/system", `# ${HEADER_MARK}inventories/x.yaml (site x); do not edit\n[Unit]\n`);
    expect(verdict()).toMatch(/^PASS G8 ssh.service: .* is sitegen's/);
  });
  it("STOPs for a package's unit, a hand-written one in /etc and an alias link to a package's", () => {
    for (const dir of ["usr/lib/systemd/system", "lib/systemd/system", "run/systemd/system"]) {
      clean();
      put(dir, "[Unit]\nDescription=OpenBSD Secure Shell server\n");
      expect(verdict(), dir).toBe(
        `STOP G8 ssh.service: /${dir}/ssh.service exists: the unit is not sitegen's; name the gateway's own unit ('unit:' in the inventory)`,
      );
    }
    clean();
    put("etc/systemd/system", "[Unit]\nDescription=written by hand\n");
    expect(verdict()).toMatch(/^STOP G8 ssh.service: \/etc\/systemd\/system\/ssh.service exists without sitegen's header/);
    clean();
    mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
    symlinkSync("/nonexistent/sshd.service", join(root, "etc/systemd/system", unit));
    expect(verdict()).toMatch(/^STOP G8 ssh.service: .*without sitegen's header/);
    rmSync(root, { recursive: true, force: true });
  });
});

describe("G9 hook-ours (read-only, under a fixture root)", () => {
  const root = tempDir("g9");
  const [network, hook, target] = ["net1", "/etc/libvirt/hooks/network.d/sitegen-net1", "sitegen-libvirt-net1.target"];
  const gateShell = [
    render("shell/audit-unit", {}),
    render("shell/gates/hook-ours", { id: "G9", subject: network, params: { network, hook, target, marker: HEADER_MARK } }),
  ].join("\n");
  const verdict = (): string => {
    requireTool("bash");
    return run("bash", ["-c", `set -euo pipefail; root=${root}; pass() { echo "PASS $*"; }; stop() { echo "STOP $*"; }\n${gateShell}`]).stdout.trim();
  };
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const clean = () => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
  };
  const ours = `# ${HEADER_MARK}inventories/x.yaml (site x); do not edit\n`;

  it("passes when neither exists, and when both are sitegen's (a re-run, or another gateway of the network)", () => {
    clean();
    expect(verdict()).toMatch(/^PASS G9 net1: free/);
    put(hook, `#!/bin/sh\n${ours}`);
    put(`/etc/systemd/system/${target}`, `${ours}[Unit]\n`);
    expect(verdict()).toMatch(/^PASS G9 net1: .* are sitegen's/);
  });
  it("STOPs for a hook or a target without sitegen's header, and for a package's target", () => {
    clean();
    put(hook, "#!/bin/sh\necho mine\n");
    expect(verdict()).toBe(`STOP G9 net1: ${hook} exists without sitegen's header: it is someone else's; move it away`);
    clean();
    put(`/etc/systemd/system/${target}`, "[Unit]\n");
    expect(verdict()).toMatch(/^STOP G9 net1: \/etc\/systemd\/system\/sitegen-libvirt-net1.target exists without sitegen's header/);
    clean();
    put(`/usr/lib/systemd/system/${target}`, "[Unit]\n");
    expect(verdict()).toBe(`STOP G9 net1: /usr/lib/systemd/system/${target} exists: the target is not sitegen's`);
    rmSync(root, { recursive: true, force: true });
  });
});
