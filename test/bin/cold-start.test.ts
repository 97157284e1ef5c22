// A cold `gen --site` loads only what it uses: worker_threads (gen --all's second thread) and child_process
// (gen plan --from a git revision, commander's subcommands) are loaded on first use (src/cli/builtin.ts and the
// bundle's stand-in for commander's), and the bundle runs from the code cache.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, gen, ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";

const tmp = mkdtempSync(join(tmpdir(), "sitegen-cold-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Preloaded with --require (a node option, not a V8 flag, so the code cache is still taken): which built-ins were loaded.
const probe = join(tmp, "loaded.cjs");
writeFileSync(
  probe,
  `process.on("exit", () => process.stderr.write("loaded=" + process.moduleLoadList
  .filter((m) => /^NativeModule (worker_threads|child_process)$/.test(m)).map((m) => m.slice(13)).join(",") + "\\n"));\n`,
);
const cold = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ["--require", probe, CLI, ...args], { cwd: ROOT, env: { ...process.env, SITEGEN_STATS: "1", ...env } });

describe("a cold gen", () => {
  it("--site loads neither worker_threads nor child_process, and runs from the code cache", () => {
    const r = cold(["--site", "jumphost", "--out", join(tmp, "a"), "-q"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("code_cache=used\n");
    expect(r.stderr).toContain("loaded=\n");
    expect(gen(["--site", "jumphost", "--out", join(tmp, "a"), "--check"]).code).toBe(0);
  });

  it("--all on two threads loads worker_threads (and the worker gives its sites' outcomes)", () => {
    const r = cold(["--all", "--check"], { SITEGEN_THREADS: "2" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/loaded=worker_threads\n/);
    expect(r.stderr).toContain("threads=2");
    expect(r.stdout).toMatch(/3 sites: 3 ok, 0 failed/);
  });

  it("a worker's argument on the main thread is not taken for a worker: commander refuses it", () => {
    const r = cold(["--sitegen-worker-thread", "--site", "jumphost", "--out", join(tmp, "b"), "-q"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--sitegen-worker-thread'");
  });
});
