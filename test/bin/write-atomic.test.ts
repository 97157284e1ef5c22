// The write survives a kill at any instant: gen kills itself (SIGKILL, via SITEGEN_FAULT) at each step of
// the swap; the tree is then the old one, the new one, or missing with the old one beside it, and the next
// run restores it and removes what the killed run left. --check reports leftovers.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { recover } from "../../src/emit/leftovers.js";
import { CLI, gen, ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";
import { copyTree, snapshotTree, tempDir } from "../helpers/tree.js";

const tmp = tempDir("atomic");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NEW = snapshotTree(join(ROOT, "out/jumphost"));
const killedGen = (out: string, point: string) =>
  run(process.execPath, [CLI, "--site", "jumphost", "--out", out], { cwd: ROOT, env: { ...process.env, SITEGEN_FAULT: point } });

/** out/jumphost holding an older tree (a hand-edited copy) that gen must replace. */
function oldTree(name: string): { out: string; old: ReturnType<typeof snapshotTree> } {
  const out = join(tmp, name);
  copyTree(join(ROOT, "out/jumphost"), join(out, "jumphost"));
  writeFileSync(join(out, "jumphost/REVIEW.md"), "the previous review\n");
  return { out, old: snapshotTree(join(out, "jumphost")) };
}
const hidden = (out: string) =>
  readdirSync(out)
    .filter((n) => n.startsWith("."))
    .sort();

describe("a gen killed while writing", () => {
  for (const [point, tree] of [
    ["tree-half-written", "old"],
    ["tree-written", "old"],
    ["between-renames", "missing"],
    ["after-renames", "new"],
  ] as const) {
    it(`at ${point}: the tree is ${tree}, --check reports the leftover, the next run restores and cleans`, () => {
      const { out, old } = oldTree(point);
      const k = killedGen(out, point);
      expect(k.code).toBe(128); // killed by the signal, not an exit
      const t = join(out, "jumphost");
      if (tree === "missing") expect(existsSync(t)).toBe(false);
      else expect(snapshotTree(t)).toEqual(tree === "old" ? old : NEW);
      const left = hidden(out);
      expect(left.length).toBeGreaterThan(0);
      const c = gen(["--site", "jumphost", "--out", out, "--check"]);
      expect(c.code).toBe(1);
      for (const l of left) expect(c.stderr).toContain(`leftover:   ${join(out, l)}`);
      expect(hidden(out)).toEqual(left); // --check changes nothing
      const r = gen(["--site", "jumphost", "--out", out]);
      expect(r.code).toBe(0);
      if (tree === "missing") expect(r.stderr).toContain(`restored ${t} from .jumphost.old-`);
      expect(r.stderr).toContain("left by a killed run");
      expect(snapshotTree(t)).toEqual(NEW);
      expect(hidden(out)).toEqual([]);
    });
  }
  it("recovery alone puts the previous tree back when the kill came between the renames", () => {
    const { out, old } = oldTree("recover-only");
    expect(killedGen(out, "between-renames").code).toBe(128);
    const notes = recover(out, "jumphost");
    expect(notes[0]).toMatch(/^restored .*jumphost from \.jumphost\.old-\d+-\d+, left by a run that was killed between its renames$/);
    expect(snapshotTree(join(out, "jumphost"))).toEqual(old);
    expect(hidden(out)).toEqual([]);
  });
  it("a running gen's working tree is not a leftover", async () => {
    const { out } = oldTree("live");
    const sleeper = spawn("sleep", ["30"]);
    try {
      const live = `.jumphost.tmp-${sleeper.pid}-1`;
      mkdirSync(join(out, live));
      expect(gen(["--site", "jumphost", "--out", out, "-q"]).code).toBe(0);
      expect(hidden(out)).toEqual([live]);
    } finally {
      sleeper.kill();
    }
  });
});

describe("out/<site> that is not a folder", () => {
  it("a regular file there is refused with a clear line, not deleted", () => {
    const out = join(tmp, "file");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "jumphost"), "my notes\n");
    for (const args of [[], ["--check"]]) {
      const r = gen(["--site", "jumphost", "--out", out, ...args]);
      expect(r.stderr).toBe(`gen: ${join(out, "jumphost")} is a file, not a folder gen wrote; move it away or delete it, then run gen again\n`);
      expect(r.code).toBe(2);
      expect(readFileSync(join(out, "jumphost"), "utf8")).toBe("my notes\n");
    }
  });
});

describe(".gitignore", () => {
  it("covers what a killed run leaves", () => {
    const paths = ["out/.jumphost.old-1-2", "out/.jumphost.tmp-1-2", "out/.jumphost.old-1-2/REVIEW.md"];
    const r = run("git", ["check-ignore", "--no-index", ...paths], { cwd: ROOT });
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(paths);
  });
});
