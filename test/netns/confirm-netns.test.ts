// Confirm-or-revert (issue 12, point 1) in network namespaces this test creates and deletes: fuel-env's
// (static VIP) runtime phase on a simulated controller, applied with --confirm-within. No systemd is
// PID 1 here, so the revert is the detached sleeper (the guest kernel would use a transient timer).
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireRootNetns, requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";
import { buildVariant, fuelEnvText, withoutHa } from "../helpers/variant.js";
import { Topology } from "../helpers/vrouter-topology.js";
import { hostCmd } from "../helpers/gen.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("host.sh apply --confirm-within in a network namespace (fuel-env ctrl1, runtime)", () => {
  const topo = new Topology(`scf${process.pid % 1000}`);
  const tmp = tempDir("confirm");
  const root = join(tmp, "root");
  const state = join(root, "var/lib/sitegen/ctrl1");
  let dir = "";
  let before: unknown;
  const sh = (s: string) => topo.sh("ctrl1", `export SITEGEN_ROOT=${root}; ${s}`);
  const snap = () => ({ host: topo.snapshot("ctrl1"), ns: topo.sh("ctrl1", "ip netns list").stdout });
  const runIdOf = (out: string) => /== armed: run (\S+) reverts/.exec(out)?.[1] ?? "";
  const outcome = (id: string) => {
    try {
      return readFileSync(join(state, "runs", id, "outcome"), "utf8").trim();
    } catch {
      return "";
    }
  };
  async function waitOutcome(id: string, ms: number): Promise<string> {
    for (let t = 0; t < ms && !outcome(id); t += 200) await sleep(200);
    return outcome(id);
  }
  const apply = (args: string) => sh(hostCmd(dir, `apply ${args}`));

  beforeAll(async () => {
    requireRootNetns();
    for (const t of ["nsenter", "unshare", "nft", "setsid", "flock"]) requireTool(t);
    dir = join(buildVariant(tmp, "static", withoutHa(fuelEnvText())), "hosts/ctrl1");
    topo.switch();
    await topo.controllers(["ctrl1"]);
    before = snap();
  }, 60_000);

  afterAll(async () => {
    // any sleeper still armed (a failed test) is ours: stop it by its recorded pid
    for (const id of safeList(join(state, "runs"))) {
      const [by, pid] = safeRead(join(state, "runs", id, "armed-by"))
        .trim()
        .split(" ");
      if (by === "detached" && pid && safeRead(`/proc/${pid}/cmdline`).includes(`sitegen-revert-${id}`)) run("kill", ["--", `-${pid}`]);
    }
    await topo.teardown();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("an unconfirmed run is reverted by the host after the window, newest step first, and logged", async () => {
    const r = apply("--confirm-within 3 runtime");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = runIdOf(r.stdout);
    expect(id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(r.stdout).toContain(`bash host.sh confirm ${id}`);
    expect(readFileSync(join(state, "runs", id, "armed-by"), "utf8")).toMatch(/^detached \d+\n$/);
    expect(snap()).not.toEqual(before);
    // host.sh apply has exited: only the host-side sleeper is left to revert
    expect(await waitOutcome(id, 10_000)).toBe("reverted");
    expect(snap()).toEqual(before);
    const journal = readFileSync(join(state, "runs", id, "journal"), "utf8")
      .trim()
      .split("\n");
    expect(journal).toEqual(["netns", "management-leg", "public-leg", "route", "filter"].map((s) => `vrouter-vrouter-${s}`));
    const log = readFileSync(join(state, "runs", id, "revert.log"), "utf8");
    const undone = [...log.matchAll(/undo (\S+):/g)].map((m) => m[1]);
    expect(undone).toEqual([...journal].reverse());
    expect(log).toContain("window expired unconfirmed: reverting 5 step(s)");
    expect(safeRead(join(state, "armed"))).toBe("");
  }, 30_000);

  it("a confirmed run stays after its window, and its sleeper is gone", async () => {
    // long enough that a loaded machine still confirms inside it; then wait until it has passed
    const armed = Date.now();
    const r = apply("--confirm-within 8 runtime");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = runIdOf(r.stdout);
    const applied = snap();
    const pid = readFileSync(join(state, "runs", id, "armed-by"), "utf8")
      .trim()
      .split(" ")[1];
    const c = sh(hostCmd(dir, `confirm ${id}`));
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout).toContain("confirmed: revert disarmed");
    await sleep(Math.max(0, armed + 9500 - Date.now()));
    expect(outcome(id)).toBe("confirmed");
    expect(snap()).toEqual(applied);
    expect(safeRead(`/proc/${pid}/cmdline`)).not.toContain(`sitegen-revert-${id}`);
    expect(sh(hostCmd(dir, "rollback runtime")).code).toBe(0);
    expect(snap()).toEqual(before);
  }, 30_000);

  it("a second apply while a revert is armed is refused and changes nothing; host.sh confirm refuses another id", () => {
    const r = apply("--confirm-within 60 runtime");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = runIdOf(r.stdout);
    const applied = snap();
    for (const args of ["runtime", "--confirm-within 60 runtime"]) {
      const again = apply(args);
      expect(again.code).toBe(1);
      expect(again.stdout).toContain(`!! refused: a revert is armed for run ${id}`);
      expect(again.stdout).toContain(`bash host.sh confirm ${id}`);
    }
    expect(snap()).toEqual(applied);
    const wrong = sh(hostCmd(dir, "confirm 20000101T000000Z-00000000"));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`is not armed (${id} is)`);
    expect(sh(hostCmd(dir, `confirm ${id}`)).code).toBe(0);
    expect(sh(hostCmd(dir, "rollback runtime")).code).toBe(0);
    expect(snap()).toEqual(before);
  }, 30_000);

  it("a stale run's revert cannot touch a later run", () => {
    const a = apply("--confirm-within 60 runtime");
    const stale = runIdOf(a.stdout);
    expect(sh(hostCmd(dir, `confirm ${stale}`)).code).toBe(0);
    // run A's steps given back by hand, so that run B applies (and journals) them again
    expect(sh(hostCmd(dir, "rollback runtime")).code).toBe(0);
    const b = apply("--confirm-within 60 runtime");
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const later = runIdOf(b.stdout);
    const applied = snap();
    // what a stale timer would run, fired late: run A's own copy of host.sh
    const fired = sh(hostCmd(`${state}/runs/${stale}`, `rollback --run ${stale}`));
    expect(fired.code, fired.stdout + fired.stderr).toBe(0);
    expect(fired.stdout).toContain(`not reverting: run ${stale} is not the armed run (armed: ${later})`);
    expect(snap()).toEqual(applied);
    expect(readFileSync(join(state, "armed"), "utf8").trim()).toBe(later);
    // the later run's own revert still works when it fires
    const own = sh(hostCmd(`${state}/runs/${later}`, `rollback --run ${later}`));
    expect(own.code, own.stdout).toBe(0);
    expect(snap()).toEqual(before);
  }, 30_000);

  it("a re-run leaves the steps that already held to the prior state: not journaled, not reverted", async () => {
    expect(apply("runtime").code).toBe(0);
    // one step's work gone (the namespace's default route): only that step is this run's
    topo.must("ctrl1", "ip -n vrouter route del default");
    const prior = snap();
    const r = apply("--confirm-within 3 runtime");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.match(/already in place \(applied again, kept on failure\)/g)).toHaveLength(4);
    expect(r.stdout).toContain("== done: 1 step(s) brought in and 4 already in place, all verified");
    const id = runIdOf(r.stdout);
    expect(
      readFileSync(join(state, "runs", id, "journal"), "utf8")
        .trim()
        .split("\n"),
    ).toEqual(["vrouter-vrouter-route"]);
    expect(await waitOutcome(id, 10_000)).toBe("reverted");
    // the revert took back only what this run did: the host is as it was before the run, not bare
    expect(snap()).toEqual(prior);
    expect(snap()).not.toEqual(before);
    expect(sh(hostCmd(dir, "rollback runtime")).code).toBe(0);
    expect(snap()).toEqual(before);
  }, 30_000);

  it("a failed apply undoes its steps itself and disarms the revert", () => {
    // a passing audit first: the bridge then goes away behind its back, so the phase run trusts the
    // audit's stamp and a step, not the audit, fails
    expect(sh(hostCmd(dir, "audit")).code).toBe(0);
    topo.must("ctrl1", "ip link set br-ex down && ip link set br-ex name br-ex-away");
    try {
      const r = apply("--confirm-within 60 runtime");
      expect(r.code).toBe(1);
      const id = runIdOf(r.stdout);
      expect(outcome(id)).toBe("rolled back by apply");
      expect(safeRead(join(state, "armed"))).toBe("");
    } finally {
      topo.must("ctrl1", "ip link set br-ex-away name br-ex && ip link set br-ex up");
    }
  }, 30_000);
});

function safeRead(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}
function safeList(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}
