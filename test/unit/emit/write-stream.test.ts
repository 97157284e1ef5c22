// The output as a stream: compile() and outputFiles() give the same files; the writer takes them one at
// a time (a changed file after matching ones still gives exactly the new tree; a render error midway
// leaves the tree as it was), and drift reports in compile()'s order whatever order the files come in.
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile, outputFiles, prepare } from "../../../src/compile.js";
import { MANIFEST } from "../../../src/bundles/manifest.js";
import { drift } from "../../../src/emit/drift.js";
import { writeSite } from "../../../src/emit/write.js";
import type { Artifact } from "../../../src/plan/types.js";
import { fuelEnvOpts, FUEL_ENV } from "../../helpers/compile.js";
import { ROOT } from "../../helpers/gen.js";
import { snapshotTree, tempDir } from "../../helpers/tree.js";

const tmp = tempDir("write-stream");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const file = (path: string, content: string, mode: 0o644 | 0o755 = 0o644): Artifact => ({ path, content, mode });
const tree = (edit = ""): Artifact[] => [file("a/1.txt", "one\n"), file("a/2.txt", "two\n"), file("b/3.sh", `three${edit}\n`, 0o755), file("c.txt", "c\n")];
function* stream(files: Artifact[], failAt = -1): Generator<Artifact> {
  for (const [i, f] of files.entries()) {
    if (i === failAt) throw new Error("render failed");
    yield f;
  }
}
const snapshot = (files: Artifact[]) => Object.fromEntries(files.map((f) => [f.path, { content: f.content, mode: f.mode.toString(8) }]));

describe("the output as a stream", () => {
  it("outputFiles gives compile()'s files, manifest.json last, in the bundles' order", () => {
    const text = readFileSync(join(ROOT, FUEL_ENV), "utf8");
    const whole = compile(text, FUEL_ENV, fuelEnvOpts);
    const p = prepare(text, FUEL_ENV, fuelEnvOpts);
    if (!whole.ok || !p.ok) throw new Error("fuel-env does not compile");
    const streamed = [...outputFiles(p.build)];
    expect(streamed.at(-1)!.path).toBe(MANIFEST);
    expect(streamed.map((f) => f.path)).not.toEqual(whole.build.files.map((f) => f.path)); // not sorted: made as they come
    expect(snapshot(streamed)).toEqual(snapshot(whole.build.files));
  });

  it("a file that differs after matching ones: the new tree is exactly the new files (the matching ones copied)", () => {
    const out = join(tmp, "edit");
    expect(writeSite(out, "s", stream(tree()))).toBe(true);
    expect(writeSite(out, "s", stream(tree()))).toBe(false);
    expect(writeSite(out, "s", stream(tree(" edited")))).toBe(true);
    expect(snapshotTree(join(out, "s"))).toEqual(snapshot(tree(" edited")));
    expect(readdirSync(out)).toEqual(["s"]);
  });

  it("a file the new output no longer has is removed even when every other file matches", () => {
    const out = join(tmp, "fewer");
    writeSite(out, "s", stream(tree()));
    expect(writeSite(out, "s", stream(tree().slice(0, 3)))).toBe(true);
    expect(snapshotTree(join(out, "s"))).toEqual(snapshot(tree().slice(0, 3)));
  });

  it("a render error midway leaves the tree as it was and no working tree", () => {
    const out = join(tmp, "error");
    writeSite(out, "s", stream(tree()));
    expect(() => writeSite(out, "s", stream(tree(" edited"), 3))).toThrow("render failed");
    expect(snapshotTree(join(out, "s"))).toEqual(snapshot(tree()));
    expect(readdirSync(out)).toEqual(["s"]);
    expect(() => writeSite(join(tmp, "new"), "s", stream(tree(), 2))).toThrow("render failed");
    expect(readdirSync(join(tmp, "new"))).toEqual([]);
  });

  it("drift lists differences in compile()'s order (by path, manifest.json last), whatever order the files come in", () => {
    const out = join(tmp, "drift");
    writeSite(out, "s", stream([...tree(), file(MANIFEST, "{}\n"), file("z.txt", "z\n")]));
    const next = [file(MANIFEST, "{ }\n"), file("c.txt", "C\n"), ...tree(" edited").slice(0, 3).reverse(), file("y.txt", "y\n")];
    expect(drift(join(out, "s"), stream(next))).toEqual([
      "changed:    b/3.sh",
      "changed:    c.txt",
      "missing:    y.txt",
      `changed:    ${MANIFEST}`,
      "unexpected: z.txt",
    ]);
  });
});
