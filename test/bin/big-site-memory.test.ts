// The 2,000-host synthetic site (bench/synthetic.mjs) compiles under 300 MB of peak RSS (issue 15): the
// output streams host by host (write-stream.test.ts), and a big inventory bounds V8's heap growth
// (src/cli/heap.ts), which the code cache, already taken, does not mind. bench/run.mjs has the figures.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticSite } from "../../bench/synthetic.mjs";
import { BIG_INVENTORY, boundHeapGrowth, HEAP_GROWING_PERCENT } from "../../src/cli/heap.js";
import { gen } from "../helpers/gen.js";
import { tempDir } from "../helpers/tree.js";

const tmp = tempDir("big-site");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a big site's memory", () => {
  it("bounds the heap's growth once, and only for a big inventory", () => {
    const set: string[] = [];
    expect(boundHeapGrowth(BIG_INVENTORY - 1, (f) => set.push(f))).toBe(false);
    expect(set).toEqual([]);
    expect(boundHeapGrowth(BIG_INVENTORY, (f) => set.push(f))).toBe(true);
    expect(boundHeapGrowth(2 * BIG_INVENTORY, (f) => set.push(f))).toBe(true);
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  it("the 2,000-host site is compiled and compared (--check) in under 300 MB, from the code cache", () => {
    const inv = join(tmp, "inventories");
    mkdirSync(inv);
    const text = syntheticSite("synth2000", 2000);
    expect(text.length).toBeGreaterThan(BIG_INVENTORY);
    writeFileSync(join(inv, "synth2000.yaml"), text);
    const r = gen(["--site", "synth2000", "--inventory", inv, "--out", join(tmp, "out"), "--check"], undefined, { SITEGEN_STATS: "1" });
    // the stats lines (and the first lines of the report) say which of these failed, not 10,000 "missing" lines
    const said = [...r.stderr.split("\n").slice(0, 3), ...r.stderr.split("\n").slice(-4)].join("\n");
    expect(r.code, said).toBe(1); // nothing written yet: every file is missing
    expect(/missing: +manifest\.json/.test(r.stderr), said).toBe(true);
    expect(/\ncode_cache=used\nmaxrss_kb=/.test(r.stderr), said).toBe(true);
    expect(Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]) / 1024, said).toBeLessThan(300);
  }, 180_000);
});
