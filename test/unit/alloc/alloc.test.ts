// Allocation of `auto` (src/alloc): deterministic, stable under inventory changes once locked, explicit
// values respected; the CLI keeps the lock beside the inventory and `gen --check` fails when it would change.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, type Build } from "../../../src/compile.js";
import { genIn } from "../../helpers/gen-inprocess.js";
import { tempDir } from "../../helpers/tree.js";
import { fuelEnvText } from "../../helpers/variant.js";

const tmp = tempDir("alloc");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const opts = (lock?: string) => ({
  site: "fuel-env",
  source: "inventories/fuel-env.yaml",
  ...(lock ? { lock: { text: lock, file: "fuel-env.lock.yaml" } } : {}),
});
function build(text: string, lock?: string): Build {
  const r = compile(text, "fuel-env.yaml", opts(lock));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return r.build;
}
const codes = (text: string, lock?: string) => {
  const r = compile(text, "fuel-env.yaml", opts(lock));
  return r.ok ? [] : r.diagnostics.map((d) => d.code);
};
const m = (host: string) => `${host}'s address in vrouter vrouter`;

/** fuel-env with ctrl4 as a new first member (ctrl1 moved last) and range vrouter widened to .9. */
function withCtrl4(text: string): string {
  const bridges = "    bridges:\n      - { name: br-mgmt, owner: unmanaged, type: linux }\n      - { name: br-ex, owner: unmanaged, type: linux }\n";
  return text
    .replace(/( {6}- \{ host: ctrl1, address: auto, priority: 150 \}\n)((?: {6}.*\n){2})/, "      - { host: ctrl4, address: auto, priority: 80 }\n$2$1")
    .replace("to: 192.168.0.5", "to: 192.168.0.9")
    .replace(/( {2}- name: cmp1\n)/, `  - name: ctrl4\n    management: 192.168.0.14\n${bridges}$1`)
    .replace("      - { host: cmp1, bridge: br-mgmt", "      - { host: ctrl4, bridge: br-mgmt, address: 192.168.0.14 }\n      - { host: cmp1, bridge: br-mgmt")
    .replace(/( {6}- \{ host: ctrl3, bridge: br-ex, address: 172.16.0.13 \}\n)/, "$1      - { host: ctrl4, bridge: br-ex, address: 172.16.0.14 }\n");
}
const values = (b: Build) => Object.fromEntries(b.site.allocations.map((a) => [a.what, a.value]));
const file = (b: Build, p: string) => b.files.find((f) => f.path === p)!.content;
const text = fuelEnvText();

describe("auto allocation", () => {
  it("gives fuel-env the addresses it had written by hand, the same on every run", () => {
    const a = build(text);
    expect(values(a)).toEqual({
      "management VIP of vrouter vrouter": "192.168.0.2",
      "public VIP of vrouter vrouter": "172.16.0.2",
      [m("ctrl1")]: "192.168.0.3",
      [m("ctrl2")]: "192.168.0.4",
      [m("ctrl3")]: "192.168.0.5",
    });
    const b = build(text);
    expect(b.lock).toBe(a.lock);
    expect(b.files).toEqual(a.files);
    // with its own lock the answer and the lock are unchanged (nothing new: the generation stays 1)
    expect(build(text, a.lock).lock).toBe(a.lock);
    expect(a.lock).toContain("generation: 1\n");
  });

  it("never moves a locked value when the inventory changes around it; new ones take what is free", () => {
    const lock = build(text).lock!;
    // a fourth member listed first, ctrl1 last, a wider range: without the lock ctrl4 would get .3
    expect(values(build(withCtrl4(text)))[m("ctrl4")]).toBe("192.168.0.3");
    const b = build(withCtrl4(text), lock);
    expect(values(b)).toMatchObject({ [m("ctrl1")]: "192.168.0.3", [m("ctrl3")]: "192.168.0.5", [m("ctrl4")]: "192.168.0.6" });
    expect(b.site.allocations.filter((a) => a.fresh).map((a) => a.what)).toEqual([m("ctrl4")]);
    expect(b.lock).toContain("generation: 2\n");
    expect(b.lock).toContain("ctrl4: { address: 192.168.0.6, generation: 2 }");
    expect(file(b, "REVIEW.md")).toMatch(/\| ctrl4's address in vrouter vrouter \| 192\.168\.0\.6 \| generation 2 \(\*\*new\*\*\) \|/);
    expect(file(b, "REVIEW.md")).toMatch(/\| ctrl3's address in vrouter vrouter \| 192\.168\.0\.5 \| generation 1 \|/);
  });

  it("respects explicit addresses inside the range and explicit VRRP IDs", () => {
    const b = build(text.replace("{ host: ctrl1, address: auto", "{ host: ctrl1, address: 192.168.0.2"));
    expect(values(b)["management VIP of vrouter vrouter"]).toBe("192.168.0.3");
    expect(values(b)["ctrl1's address in vrouter vrouter"]).toBeUndefined();
    expect(b.site.vrouters[0]!.ha).toMatchObject({ vrrp: { vrid: 52 } });
  });

  it("allocates the lowest VRRP ID free on the management segment", () => {
    const auto = text.replace("virtual_router_id: 52", "virtual_router_id: auto");
    expect(build(auto).site.vrouters[0]!.ha).toMatchObject({ vrrp: { vrid: 1 } });
    const busy = build(auto.replace("vrids_in_use: [51]", "vrids_in_use: [1, 2, 51]"));
    expect(busy.site.vrouters[0]!.ha).toMatchObject({ vrrp: { vrid: 3 } });
    expect(file(busy, "hosts/ctrl1/files/keepalived.conf")).toContain("virtual_router_id 3\n");
    // once locked, a new neighbour on the segment claiming 1 is a collision, not a silent move
    expect(codes(auto.replace("vrids_in_use: [51]", "vrids_in_use: [1, 51]"), build(auto).lock)).toEqual(["lock-collision"]);
  });

  it("reports a lock that no longer fits instead of moving anything", () => {
    const lock = build(text).lock!;
    expect(codes(text.replace("to: 192.168.0.5", "to: 192.168.0.4"), lock)).toEqual(["lock-outside-range"]);
    expect(codes(text.replace(/ {6}- \{ host: ctrl3, address: auto, priority: 90 \}\n/, ""), lock)).toEqual(["lock-stale"]);
    expect(codes(text, lock.replace("ctrl2: { address: 192.168.0.4", "ctrl2: { address: 192.168.0.3"))).toEqual(["lock-collision"]);
    expect(codes(text.replace("to: 192.168.0.5", "to: 192.168.0.4"))).toEqual(["alloc-range-full"]);
    expect(codes(text.replace("virtual_router_id: 52", "virtual_router_id: auto"), lock.replace("site: fuel-env", "site: other"))).toEqual(["lock-invalid"]);
  });

  it("auto is refused where nothing allocates (the router's upstream gateway)", () => {
    expect(codes(text.replace("    nat: {", "    gateway: auto\n    nat: {"))).toEqual(["invalid-address"]);
  });
});

describe("gen and the lock file", () => {
  const inv = join(tmp, "inventories");
  const out = join(tmp, "out");
  const lockFile = join(inv, "fuel-env.lock.yaml");
  const run = (...args: string[]) => genIn(["--site", "fuel-env", "--inventory", inv, "--out", out, ...args]);

  it("writes the lock beside the inventory, then leaves it alone; --check fails while it would change", async () => {
    mkdirSync(inv, { recursive: true });
    writeFileSync(join(inv, "fuel-env.yaml"), text);
    const first = await run("--check");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("fuel-env.lock.yaml would change (5 new allocations)");
    expect(existsSync(lockFile)).toBe(false);
    const wrote = await run();
    expect(wrote.code).toBe(0);
    expect(wrote.stdout).toContain("allocated management VIP of vrouter vrouter: 192.168.0.2");
    const lock = readFileSync(lockFile, "utf8");
    expect(readdirSync(inv).sort()).toEqual(["fuel-env.lock.yaml", "fuel-env.yaml"]); // no temporary file left
    expect((await run("--check")).code).toBe(0);
    const again = await run();
    expect(again.stdout).not.toContain("allocated");
    expect(readFileSync(lockFile, "utf8")).toBe(lock);
    // gen validate reads the lock too, and does not take it for a site
    writeFileSync(lockFile, lock.replace("ctrl2: { address: 192.168.0.4", "ctrl2: { address: 192.168.0.3"));
    const v = await genIn(["validate", "--inventory", inv]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("fuel-env.lock.yaml:12:14:");
    expect(v.stderr).toContain("error[lock-collision]");
    expect(v.stderr).not.toContain("fuel-env.lock: no such site");
  });
});
