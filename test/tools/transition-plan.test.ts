// gen plan --from: previous versions named by git revision or file, the per-host change list with
// disruption classes, and the transition's scripts; a real VLAN gateway (jumphost) at plan level
// (this kernel cannot create VLANs: transition-netns.test.ts runs the router scenarios). In process,
// so coverage sees src/transition and src/cli/plan.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { cli } from "../../src/cli/program.js";
import type { Action } from "../../src/plan/actions.js";
import type { DisruptionContext } from "../../src/plan/disruption.js";
import type { Step } from "../../src/plan/types.js";
import { diffHost } from "../../src/transition/diff.js";
import { HOST_SH, inversesOf, ROOT, stepIds, stepsOf } from "../helpers/gen.js";
import { requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const tmp = tempDir("plan");
async function gen(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await cli(["node", "gen", ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const JUMP = readFileSync(join(ROOT, "inventories/jumphost.yaml"), "utf8");
const VLAN105 = `
  - name: provider-storage
    cidr: 10.12.16.0/24
    vlan: 105
    attach:
      - { host: jumphost, bridge: virbr1 }
    gateway: { address: 10.12.16.1, on: host, host: jumphost }
`;

function repo(): string {
  const dir = join(tmp, "repo");
  mkdirSync(join(dir, "inventories"), { recursive: true });
  const git = (...a: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...a], { encoding: "utf8" });
  git("init", "-q");
  writeFileSync(join(dir, "inventories/jumphost.yaml"), JUMP);
  git("add", ".");
  git("commit", "-qm", "v1");
  writeFileSync(join(dir, "inventories/jumphost.yaml"), JUMP.trimEnd() + "\n" + VLAN105);
  return dir;
}

describe("gen plan --from", () => {
  it("a VLAN gateway added, against a git revision: additive runtime step, persistence (libvirt's network hook kept as it is), the transition's scripts", async () => {
    const dir = repo();
    const r = await gen(["plan", "--site", "jumphost", "--from", "HEAD", "--inventory", join(dir, "inventories"), "--out", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    // 1_provider has its hook already (one per network): the new gateway adds its runtime step and its unit only
    expect(r.stdout).toMatch(/^host jumphost: 0 removed, 0 changed, 2 added, 0 reset; at worst: brief interruption on a link$/m);
    expect(r.stdout).not.toContain("persist-libvirt-");
    expect(r.stdout).toContain("added    runtime  runtime-virbr1.105  [additive (adds what nothing uses yet): VLAN 105 link virbr1.105 on virbr1]");
    expect(r.stdout).toContain(
      "added    persist  persist-provider-storage-gw.service  [brief interruption on a link: enable --now provider-storage-gw.service: its start re-creates virbr1.105 (the gateway 10.12.16.1 is briefly absent)]",
    );
    const t = join(dir, "out/jumphost.transition");
    const apply = stepsOf(readFileSync(join(t, "hosts/jumphost", HOST_SH), "utf8"));
    expect(apply).toContain("run ip link add link virbr1 name virbr1.105 type vlan id 105");
    expect(apply).not.toContain("virbr1.104 type vlan");
    expect(apply).not.toContain("/etc/libvirt/hooks/network.d/");
    expect(readFileSync(join(t, "hosts/jumphost/files/provider-storage-gw.service"), "utf8")).toContain("virbr1.105");
    requireTool("shellcheck");
    const h = join(t, "hosts/jumphost");
    expect(readdirSync(h).filter((f) => f.endsWith(".sh"))).toEqual([HOST_SH]);
    const sc = run("shellcheck", ["-x", join(h, HOST_SH)], { cwd: h });
    expect(sc.code, sc.stdout).toBe(0);
    expect(readFileSync(join(t, "REVIEW.md"), "utf8")).toMatch(/^# Transition: site jumphost from HEAD \([0-9a-f]+\) to the current inventory$/m);
  });

  it("a gateway address changed: the link is re-created (undo with the old files, then apply)", async () => {
    const dir = join(tmp, "gw");
    mkdirSync(join(dir, "inventories"), { recursive: true });
    writeFileSync(join(dir, "v1.yaml"), JUMP);
    writeFileSync(join(dir, "inventories/jumphost.yaml"), JUMP.replace("address: 10.12.8.1\n", "address: 10.12.8.2\n"));
    const r = await gen(["plan", "--site", "jumphost", "--from", join(dir, "v1.yaml"), "--inventory", join(dir, "inventories"), "--out", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "changed  runtime  runtime-virbr1.104  [removes a gateway or an address others route through: link virbr1.104 deleted: the gateway 10.12.8.1 is gone until it is made again]",
    );
    const h = join(dir, "out/jumphost.transition/hosts/jumphost");
    const rollback = inversesOf(readFileSync(join(h, HOST_SH), "utf8"));
    // the reverse transition re-installs the old unit from files-from/
    expect(rollback).toContain("SITEGEN_FILES=files-from install_file /etc/systemd/system/provider-vip-gw.service 0644 provider-vip-gw.service");
    expect(readFileSync(join(h, "files-from/provider-vip-gw.service"), "utf8")).toContain("10.12.8.1/22");
    expect(readFileSync(join(h, "files/provider-vip-gw.service"), "utf8")).toContain("10.12.8.2/22");
    // undo old (newest first), then apply new
    const ids = stepIds(readFileSync(join(h, HOST_SH), "utf8"));
    expect(ids).toEqual(["undo-persist-provider-vip-gw.service", "undo-runtime-virbr1.104", "runtime-virbr1.104", "persist-provider-vip-gw.service"]);
  });

  it("an unchanged inventory has no changes; an invalid previous version is reported with exit 1", async () => {
    const dir = join(tmp, "same");
    mkdirSync(join(dir, "inventories"), { recursive: true });
    writeFileSync(join(dir, "inventories/jumphost.yaml"), JUMP);
    writeFileSync(join(dir, "v1.yaml"), JUMP);
    const same = await gen([
      "plan",
      "--site",
      "jumphost",
      "--from",
      join(dir, "v1.yaml"),
      "--inventory",
      join(dir, "inventories"),
      "--out",
      join(dir, "out"),
      "-q",
    ]);
    expect(same).toEqual({ code: 0, stdout: "no step changes from file v1.yaml\n", stderr: "" });
    expect(readFileSync(join(dir, "out/jumphost.transition/REVIEW.md"), "utf8")).toContain("No host's steps change.");
    writeFileSync(join(dir, "bad.yaml"), JUMP.replace("vlan: 104", "vlan: 5000"));
    const bad = await gen(["plan", "--site", "jumphost", "--from", join(dir, "bad.yaml"), "--inventory", join(dir, "inventories"), "--out", join(dir, "out")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error[");
  });

  it("refuses a --from that is neither a file nor a revision", async () => {
    const r = await gen(["plan", "--site", "jumphost", "--from", "no-such-rev-xyz", "--out", join(tmp, "x")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--from no-such-rev-xyz: neither a file nor a git revision");
  });
});

describe("diffHost", () => {
  const ctx: DisruptionContext = { vips: new Set(["10.0.0.2"]), mgmtLinks: new Map(), gateways: new Map(), routers: new Map() };
  const step = (id: string, apply: Action[], inverse: Action[]): Step => ({ id, host: "h", phase: "runtime", title: id, verify: [], apply, inverse });
  const leg = (addr: string) =>
    step(
      "leg",
      [
        { kind: "veth-add", peer: "p", link: "l", ns: "n" },
        { kind: "addr-replace", ns: "n", link: "l", cidr: addr, family: 4 },
      ],
      [{ kind: "link-del", link: "p" }],
    );
  const via = { ns: "n", via: "10.0.0.1", dev: "l" };
  const route = step("route", [{ kind: "route-replace", ...via }], [{ kind: "route-del", ...via }]);
  const other = step("other", [{ kind: "link-up", link: "q" }], [{ kind: "link-del", link: "q" }]);
  const side = (steps: Step[]) => ({ steps, ctx, file: () => undefined });

  it("changed, removed, added and reset by what an undone step takes away; a VIP let go is marked", () => {
    const gone = step("gone", [{ kind: "netns-add", ns: "m" }], [{ kind: "netns-del", ns: "m" }]);
    const added = step("new", [{ kind: "vlan-add", link: "z", parent: "br", vid: 5 }], [{ kind: "link-del", link: "z" }]);
    const ch = diffHost(side([leg("10.0.0.2/24"), route, other, gone]), side([leg("10.0.0.3/24"), route, other, added]));
    // the route uses the leg the changed step re-creates: reset; `other` uses nothing it takes away
    expect(ch.map((c) => [c.kind, c.id, c.cls.cls, c.dropsVip ?? false])).toEqual([
      ["changed", "leg", "vip", true],
      ["reset", "route", "default-route", false],
      ["removed", "gone", "link", false],
      ["added", "new", "additive", false],
    ]);
  });

  it("a step whose installed file's bytes changed counts as changed", () => {
    const s: Step = {
      id: "f",
      host: "h",
      phase: "persist",
      title: "f",
      verify: [],
      apply: [{ kind: "install", dest: "/etc/x", mode: 0o644, src: "x" }],
      inverse: [{ kind: "remove", dest: "/etc/x" }],
    };
    const a = diffHost({ steps: [s], ctx, file: () => "a" }, { steps: [s], ctx, file: () => "b" });
    expect(a.map((c) => c.kind)).toEqual(["changed"]);
    expect(diffHost({ steps: [s], ctx, file: () => "a" }, { steps: [s], ctx, file: () => "a" })).toEqual([]);
  });
});
