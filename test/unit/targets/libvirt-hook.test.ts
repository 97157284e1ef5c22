// One libvirt network hook per network, shared by its gateways (issue 21): a second gateway on the
// network adds its unit and changes neither the hook nor the target; the hook's per-gateway rules,
// run against a stand-in systemctl; transitions and rollback keep the hook while a gateway needs it.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, type Build } from "../../../src/compile.js";
import { filesDir, filesPath } from "../../../src/plan/files.js";
import { artifactLandsAt } from "../../helpers/checker-kinds.js";
import { hookPath, LINK_VARIABLE, networkTarget, targetPath } from "../../../src/targets/systemd/libvirt-hook.js";
import { transition } from "../../../src/transition/index.js";
import { ROOT } from "../../helpers/gen.js";
import { tempDir } from "../../helpers/tree.js";
import { SECOND_GATEWAY, withSecondGateway } from "../../helpers/variant.js";

const FILE = "inventories/jumphost.yaml";
const ONE = readFileSync(join(ROOT, FILE), "utf8");
function build(text: string): Build {
  const r = compile(text, FILE, { site: "jumphost", source: FILE });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.build;
}
const one = build(ONE);
const two = build(withSecondGateway(ONE));
const NET = "1_provider";
/** The copy in hosts/jumphost/files/ of the file that lands at dest (copies lie flat, named by src/plan/files.ts). */
const fileOf = (b: Build, dest: string) => b.files.find((f) => f.path.startsWith(`${filesDir("jumphost")}/`) && artifactLandsAt(f) === dest);
const persistIds = (b: Build) => b.plan.steps.filter((s) => s.phase === "persist").map((s) => s.id);

describe("libvirt network hook: one per network", () => {
  it("a second gateway on the network leaves the hook's and the target's bytes as they are and adds no file but its unit", () => {
    for (const dest of [hookPath(NET), targetPath(NET)]) {
      expect(fileOf(one, dest), dest).toBeDefined();
      expect(fileOf(two, dest)?.content, dest).toBe(fileOf(one, dest)?.content);
    }
    const paths = (b: Build) => new Set(b.files.map((f) => f.path));
    const added = [...paths(two)].filter((p) => !paths(one).has(p));
    expect(added).toEqual([filesPath("jumphost", SECOND_GATEWAY.unit)]);
    // the network's step is the same step in both builds
    const step = (b: Build) => b.plan.steps.find((s) => s.id === `persist-libvirt-${NET}`);
    expect(step(two)).toEqual(step(one));
  });

  it("the hook names no gateway: it finds the units through the network's target", () => {
    const hook = fileOf(two, hookPath(NET))!.content;
    for (const word of ["provider-vip-gw", SECOND_GATEWAY.unit, "virbr1.104", SECOND_GATEWAY.ifname]) expect(hook).not.toContain(word);
    expect(hook).toContain(networkTarget(NET));
    for (const [unit, ifname] of [
      ["provider-vip-gw.service", "virbr1.104"],
      [SECOND_GATEWAY.unit, SECOND_GATEWAY.ifname],
    ]) {
      const text = fileOf(two, `/etc/systemd/system/${unit}`)!.content;
      expect(text, unit).toContain(`\nEnvironment=${LINK_VARIABLE}=${ifname}\n`);
      expect(text, unit).toMatch(new RegExp(`\\nWantedBy=multi-user.target\\n(#.*\\n)?WantedBy=${networkTarget(NET).replace(/\./g, "\\.")}\\n`));
    }
  });

  it("the network's step comes before its units: a phase's rollback removes the hook after the last unit", () => {
    const [first, ...units] = persistIds(two);
    expect(first).toBe(`persist-libvirt-${NET}`);
    expect(units.sort()).toEqual([`persist-${SECOND_GATEWAY.unit}`, "persist-provider-vip-gw.service"].sort());
    const inverse = two.plan.steps.find((s) => s.id === `persist-libvirt-${NET}`)!.inverse;
    expect(inverse.filter((a) => a.kind === "remove").map((a) => (a.kind === "remove" ? a.dest : ""))).toEqual([hookPath(NET), targetPath(NET)]);
    // a unit's inverse never touches the shared files
    for (const s of two.plan.steps.filter((x) => x.id.endsWith(".service"))) {
      expect(
        s.inverse.some((a) => a.kind === "remove" && (a.dest === hookPath(NET) || a.dest === targetPath(NET))),
        s.id,
      ).toBe(false);
    }
  });

  it("a transition that adds a gateway to a network with a hook adds its steps only; removing it keeps the hook", () => {
    const kinds = (from: Build, to: Build) =>
      transition(from, to, "t")
        .hosts.flatMap((h) => h.changes)
        .map((c) => `${c.kind} ${c.id}`)
        .sort();
    expect(kinds(one, two)).toEqual([`added persist-${SECOND_GATEWAY.unit}`, `added runtime-${SECOND_GATEWAY.ifname}`]);
    expect(kinds(two, one)).toEqual([`removed persist-${SECOND_GATEWAY.unit}`, `removed runtime-${SECOND_GATEWAY.ifname}`]);
  });

  it("one gate per network checks the hook and the target are sitegen's or absent (G9)", () => {
    const g9 = (b: Build) => b.plan.gates.filter((g) => g.id === "G9");
    expect(g9(two).map((g) => g.subject)).toEqual([NET]);
    expect(g9(two)).toEqual(g9(one));
  });
});

/**
 * The hook against a stand-in systemctl: each unit a folder of facts (enabled, active, env), each call
 * logged. Links: "lo" is there on any host; "sitegen-none0" is not.
 */
describe("libvirt network hook: per-gateway rules", () => {
  const hook = fileOf(two, hookPath(NET))!.content;
  interface Unit {
    enabled: boolean;
    active: string;
    link?: string;
  }
  function runHook(units: Record<string, Unit>, args = [NET, "started", "begin", "-"]): string[] {
    const dir = tempDir("hook");
    const bin = join(dir, "bin");
    mkdirSync(bin);
    for (const [name, u] of Object.entries(units)) {
      mkdirSync(join(dir, name));
      if (u.enabled) writeFileSync(join(dir, name, "enabled"), "");
      writeFileSync(join(dir, name, "active"), `${u.active}\n`);
      writeFileSync(join(dir, name, "env"), u.link ? `LANG=C ${LINK_VARIABLE}=${u.link}\n` : "\n");
    }
    writeFileSync(
      join(bin, "systemctl"),
      [
        "#!/bin/sh",
        `d=${dir}`,
        'echo "$*" >> "$d/log"',
        'case "$1 $2" in',
        `"show --property=Wants") [ "$4" = ${networkTarget(NET)} ] && echo ${Object.keys(units).join(" ")} ;;`,
        '"show --property=Environment") cat "$d/$4/env" ;;',
        '"is-enabled --quiet") exec test -e "$d/$3/enabled" ;;',
        'is-active*) cat "$d/$2/active" ;;',
        "esac",
      ].join("\n"),
    );
    chmodSync(join(bin, "systemctl"), 0o755);
    writeFileSync(join(dir, "hook"), hook);
    try {
      const r = spawnSync("/bin/sh", [join(dir, "hook"), ...args], { input: "<network/>", env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      // no log at all: the hook called nothing
      const log = existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8") : "";
      return log.split("\n").filter((l) => /^(reset-failed|restart)/.test(l));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("restarts each enabled gateway whose link is gone, after resetting its start limit; the rest it leaves alone", () => {
    const calls = runHook({
      "a.service": { enabled: true, active: "active", link: "sitegen-none0" },
      "failed.service": { enabled: true, active: "failed", link: "sitegen-none1" },
      "off.service": { enabled: false, active: "inactive", link: "sitegen-none2" },
      "there.service": { enabled: true, active: "active", link: "lo" },
      "booting.service": { enabled: true, active: "activating", link: "sitegen-none3" },
      "nomark.service": { enabled: true, active: "active" },
    });
    expect(calls).toEqual(["reset-failed a.service", "restart --no-block a.service", "reset-failed failed.service", "restart --no-block failed.service"]);
  });

  it("does nothing for another network or another operation", () => {
    const units = { "a.service": { enabled: true, active: "active", link: "sitegen-none0" } };
    expect(runHook(units, ["other", "started", "begin", "-"])).toEqual([]);
    expect(runHook(units, [NET, "stopped", "end", "-"])).toEqual([]);
    expect(runHook(units)).toHaveLength(2);
  });
});
