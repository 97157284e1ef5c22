// How plan actions become the data of the generic role, and how the plays order the site's tiers.
import { engineFiles } from "../../../src/bundles/engine.js";
import { describe, expect, it } from "vitest";
import { actionsData, stepsData } from "../../../src/bundles/ansible-data.js";
import { applyPlaybook, rollbackPlaybook, tiers } from "../../../src/bundles/ansible-plays.js";
import { compile } from "../../../src/compile.js";
import { daemonReload, program, unitOp, type Action } from "../../../src/plan/actions.js";
import type { Artifact } from "../../../src/plan/types.js";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { servesVerdict } from "../../../src/bundles/ansible-serves.js";
import { rawLine } from "../../../src/bundles/ansible-words.js";
import { ROOT } from "../../helpers/gen.js";
import { run } from "../../helpers/tools.js";
import { tempDir } from "../../helpers/tree.js";
import { toYaml } from "../../../src/render/yaml.js";

const scope = (files: Artifact[] = []) => ({ host: "h1", base: "step1_apply", files });

describe("actions as data", () => {
  it("a guarded command carries its probe and which answer lets it run", () => {
    const [d] = actionsData([{ kind: "vlan-add", link: "x.5", parent: "x", vid: 5 }], scope());
    const argv = ["ip", "link", "add", "link", "x", "name", "x.5", "type", "vlan", "id", "5"];
    expect(d).toEqual({ kind: "cmd-probe", shown: argv.join(" "), argv, guard: { argv: ["ip", "link", "show", "dev", "x.5"], run_if: "failed" } });
    const [m] = actionsData([{ kind: "route-del", ns: "vr", via: "10.0.0.1", dev: "x" }], scope());
    expect(m).toMatchObject({ may_fail: true });
  });

  it("a file followed by no unit operation notifies nothing", () => {
    expect(actionsData([{ kind: "install", dest: "/etc/d.conf", mode: 0o600, src: "d.conf" }], scope())).toEqual([
      { kind: "install", dest: "/etc/d.conf", mode: "0600", src: "d.conf" },
    ]);
  });

  it("a reload after a file change is a flush of the role's handler; the file notifies it", () => {
    const actions: Action[] = [
      { kind: "install", dest: "/etc/systemd/system/x.service", mode: 0o644, src: "x.service" },
      daemonReload,
      unitOp("restart", "x.service"),
      unitOp("enable", "x.service", { now: true }),
    ];
    const d = actionsData(actions, scope());
    expect(d[0]).toEqual({ kind: "install-notify", dest: "/etc/systemd/system/x.service", mode: "0644", src: "x.service" });
    expect(d[1]).toEqual({
      kind: "flush",
      shown: "Reload the systemd manager configuration",
      ops: [
        { label: "Reload the systemd manager configuration", daemon_reload: true },
        { label: "Restart x.service", name: "x.service", state: "restarted" },
      ],
    });
    expect(d[2]).toMatchObject({ kind: "flush-start", ensure: "x.service", ops: [{ name: "x.service", state: "restarted" }] });
    expect(d[3]).toEqual({ kind: "unit", shown: "systemctl enable --now x.service", op: { name: "x.service", enabled: true, state: "started" } });
  });

  it("a multi-line word stays in host_vars as a literal block; one YAML cannot keep verbatim goes to a file, looked up exactly; a file path is rooted; a unit's presence is asked with systemctl cat", () => {
    const files: Artifact[] = [];
    const ruleset = "table inet t {\n\tchain c {\n\t}\n}\n";
    const [d] = actionsData([{ kind: "nft-table", ns: "vr", table: "t", ruleset }], scope(files));
    expect(files).toEqual([]);
    expect(d).toMatchObject({ argv: ["ip", "netns", "exec", "vr", "nft", ruleset], shown: "ip netns exec vr nft 'table inet t { …' (5 lines)" });
    expect(toYaml({ argv: ["nft", ruleset] }, 200)).toBe("argv:\n  - nft\n  - |\n    table inet t {\n    \tchain c {\n    \t}\n    }\n");
    const trailing = "table inet t {\n\tchain c { \n\t}\n}\n";
    const [f] = actionsData([{ kind: "nft-table", ns: "vr", table: "t", ruleset: trailing }], scope(files));
    expect(files).toEqual([{ path: "ansible/args/h1/step1_apply0-5.txt", content: trailing, mode: 0o644 }]);
    const lookup = "{{ lookup('ansible.builtin.file', playbook_dir ~ '/args/h1/step1_apply0-5.txt', rstrip=false) }}";
    expect(f).toMatchObject({ argv: ["ip", "netns", "exec", "vr", "nft", lookup] });
    const [p] = actionsData([program(["bash", { path: "/etc/sitegen/x.sh" }, "create"], { cls: "service", why: "test" })], scope());
    expect(p).toMatchObject({ argv: ["bash", "{{ sitegen_prefix }}/etc/sitegen/x.sh", "create"] });
    const [u] = actionsData([unitOp("disable", "x.service", { now: true, onlyIfInstalled: true })], scope());
    expect(u).toMatchObject({ kind: "unit-probe", guard: { argv: ["systemctl", "cat", "x.service"], run_if: "ok" }, op: { enabled: false, state: "stopped" } });
  });

  it("refuses a word or a title Ansible would template", () => {
    expect(() => actionsData([program(["echo", "{{ lookup('pipe', 'id') }}"], { cls: "none", why: "test" })], scope())).toThrow(
      /would be templated by Ansible/,
    );
    const step = { id: "x", host: "h1", phase: "runtime" as const, title: "{% raw %}", apply: [], verify: [], inverse: [] };
    expect(() => stepsData("h1", [step], [])).toThrow(/would be templated by Ansible/);
  });
});

describe("the role's raw command lines", () => {
  // Ansible templates the root in; here it is substituted as a test root would be.
  const line = (cmd: string) => rawLine(cmd).replace("{{ sitegen_prefix | quote }}", "/srv/t");
  it("carry the play's root and keep the command's exit code, except ssh's own 255 (unreachable to Ansible), which reads 254", () => {
    expect(run("bash", ["-c", line(`sh -c '[ "$SITEGEN_ROOT" = /srv/t ] && exit 3'`)]).code).toBe(3);
    expect(run("bash", ["-c", line("true")]).code).toBe(0);
    expect(run("bash", ["-c", line("bash -c 'exit 255'")]).code).toBe(254);
    expect(run("bash", ["-c", line("ip netns exec sitegen-no-such-ns true")]).code).toBe(254);
  });
});

describe("plays ordered across the site's tiers", () => {
  const src = readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8");
  const r = compile(src, "fuel-env.yaml", { site: "fuel-env", source: "inventories/fuel-env.yaml" });
  if (!r.ok) throw new Error("fuel-env does not compile");
  const { site, plan } = r.build;

  it("routers are the members, nodes route through them", () => {
    expect(tiers(site)).toEqual({ gateways: [], routers: ["ctrl1", "ctrl2", "ctrl3"], nodes: ["cmp1", "cmp2"] });
  });

  it("apply: gates, routers (asked who holds the VIPs, backups then holders, one at a time), the serving gate, nodes in rolling batches, verify; rollback: nodes first", () => {
    const plays = applyPlaybook(site, plan);
    expect(plays.map((p) => p.hosts)).toEqual([
      "site_fuel_env",
      "site_fuel_env_routers",
      "site_fuel_env_routers:&site_fuel_env_vip_backups",
      "site_fuel_env_routers:&site_fuel_env_vip_holders",
      "site_fuel_env_routers:site_fuel_env_nodes",
      "site_fuel_env_nodes",
      "site_fuel_env",
    ]);
    expect(plays[1]).not.toHaveProperty("serial");
    expect(plays[2]).toMatchObject({ serial: 1, any_errors_fatal: true });
    expect(plays[3]).toMatchObject({ serial: 1, any_errors_fatal: true });
    expect(plays[5]).toMatchObject({ serial: [1, "25%"], max_fail_percentage: 0 });
    expect(plays[4]).toMatchObject({ any_errors_fatal: true });
    expect(rollbackPlaybook(site).map((p) => p.hosts)).toEqual(["site_fuel_env", "site_fuel_env_nodes", "site_fuel_env_routers"]);
  });
});

describe("the serving gate", () => {
  it("is the engine's, once per output tree: the role with its serves task file and serves.py, checks.sh; no site carries a copy", () => {
    const engine = engineFiles().map((f) => f.path);
    for (const p of ["ansible/roles/sitegen_host/tasks/serves.yml", "ansible/roles/sitegen_host/files/serves.py", "checks.sh", "lib.sh"])
      expect(engine).toContain(p);
    for (const name of ["jumphost", "roosevelt", "fuel-env"]) {
      const r = compile(readFileSync(join(ROOT, `inventories/${name}.yaml`), "utf8"), `${name}.yaml`, { site: name, source: `inventories/${name}.yaml` });
      if (!r.ok) throw new Error(`${name} does not compile`);
      expect(
        r.build.files.filter((f) => f.path.includes("roles/") || f.path.endsWith("/lib.sh") || f.path.endsWith("checks.sh")),
        name,
      ).toEqual([]);
    }
  });

  it("ends the run when any host of the gate failed, even inside a block (any_errors_fatal does not there)", () => {
    const [t] = servesVerdict();
    expect(t).toMatchObject({ "ansible.builtin.assert": { that: "sitegen_gate_failed | length == 0" } });
    expect(t!.vars).toEqual({ sitegen_gate_failed: "{{ ansible_play_hosts_all | difference(ansible_play_hosts) }}" });
    const serves = readFileSync(join(ROOT, "out/engine/ansible/roles/sitegen_host/tasks/serves.yml"), "utf8");
    expect(serves.trimEnd().endsWith('sitegen_gate_failed: "{{ ansible_play_hosts_all | difference(ansible_play_hosts) }}"')).toBe(true);
  });

  it("checks.sh runs the gate's checks beside the engine's lib.sh, as the role stages them", () => {
    const dir = tempDir("checks-sh");
    try {
      copyFileSync(join(ROOT, "out/engine/checks.sh"), join(dir, "checks.sh"));
      copyFileSync(join(ROOT, "out/engine/lib.sh"), join(dir, "lib.sh"));
      // loopback only; a namespace that does not exist fails the check instead of a missing function
      const r = run("bash", [join(dir, "checks.sh"), "check_reachable", "127.0.0.1", "--", "check_ns_reachable", "sitegen-no-such-ns", "127.0.0.1"]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain("127.0.0.1 answers ping");
      expect(r.stdout + r.stderr).toContain("127.0.0.1 does not answer ping from sitegen-no-such-ns");
      expect(r.stderr).not.toContain("command not found");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
