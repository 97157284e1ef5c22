// The bin's cold start runs the bundle from V8's code cache (scripts/gen-entry.cjs): the cache the
// build made is taken by this node, and the build's way of making it gives the same bytes again.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, gen, ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";

const tmp = mkdtempSync(join(tmpdir(), "sitegen-code-cache-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("code cache", () => {
  it("is used by a cold gen, whose output is the committed one", () => {
    const r = gen(["--site", "jumphost", "--out", join(tmp, "a"), "-q"], ROOT, { SITEGEN_STATS: "1" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^code_cache=used\nmaxrss_kb=\d+ threads=1\n$/);
    expect(gen(["--site", "jumphost", "--out", join(tmp, "a"), "--check"]).code).toBe(0);
  });

  it("is used through dist/gen.mjs too (the command before the bin was CommonJS), with the same output", () => {
    const r = run(process.execPath, [join(ROOT, "dist/gen.mjs"), "--site", "jumphost", "--out", join(tmp, "m"), "-q"], {
      cwd: ROOT,
      env: { ...process.env, SITEGEN_STATS: "1" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^code_cache=used\n/);
    expect(gen(["--site", "jumphost", "--out", join(tmp, "m"), "--check"]).code).toBe(0);
  });

  it("is made again byte for byte the way scripts/build.mjs makes it, in this checkout or another folder", () => {
    const elsewhere = join(tmp, "elsewhere");
    mkdirSync(elsewhere);
    for (const f of ["gen.cjs", "sitegen.cjs"]) copyFileSync(join(ROOT, "dist", f), join(elsewhere, f));
    // each run writes a new tree (an unchanged one runs other code, so V8 would cache other functions)
    for (const [bin, again, out] of [
      [CLI, join(tmp, "sitegen.cache"), "b"],
      [join(elsewhere, "gen.cjs"), join(elsewhere, "sitegen.cache"), "b2"],
    ] as const) {
      const r = run(process.execPath, ["--random-seed=1", bin, "--site", "jumphost", "--inventory", join(ROOT, "inventories"), "--out", join(tmp, out), "-q"], {
        cwd: ROOT,
        env: { ...process.env, SITEGEN_CODE_CACHE_OUT: again },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(again).equals(readFileSync(join(ROOT, "dist/sitegen.cache"))), bin).toBe(true);
    }
  });

  it("is optional: without it, or with one V8 rejects, the bin compiles the bundle and writes the same tree", () => {
    const bin = join(tmp, "bin");
    mkdirSync(bin);
    for (const f of ["gen.cjs", "sitegen.cjs"]) copyFileSync(join(ROOT, "dist", f), join(bin, f));
    const cold = (out: string) =>
      run(process.execPath, [join(bin, "gen.cjs"), "--site", "jumphost", "--out", join(tmp, out), "-q"], {
        cwd: ROOT,
        env: { ...process.env, SITEGEN_STATS: "1" },
      });
    const none = cold("c");
    expect(none.stderr).toMatch(/^code_cache=none\n/);
    writeFileSync(join(bin, "sitegen.cache"), Buffer.alloc(4096, 7)); // not a cache of this bundle
    const rejected = cold("d");
    expect(rejected.stderr).toMatch(/^code_cache=rejected\n/);
    for (const out of ["c", "d"]) expect(gen(["--site", "jumphost", "--out", join(tmp, out), "--check"]).code).toBe(0);
  });
});
