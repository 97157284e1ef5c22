// The CLI as a user meets it: committed output is current, drift is caught, output is atomic and
// deterministic, and names that could escape out/ are refused.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, gen, ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";
import { copyTree, snapshotTree, tempDir } from "../helpers/tree.js";

const sites = readdirSync(join(ROOT, "inventories"))
  .filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
  .map((f) => f.slice(0, -5))
  .sort();
const tmp = tempDir("cli");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("committed out/ is current", () => {
  for (const site of sites) {
    it(`gen --site ${site} --check`, () => {
      const r = gen(["--site", site, "--check"]);
      expect(r.stderr, `out/${site} is stale: run 'npx gen --site ${site}' and commit`).toBe("");
      expect(r.code).toBe(0);
    });
  }
});

describe("the bin says what the source says (the fast tier runs gen in process)", () => {
  it("an invalid inventory: exactly the case's diagnostics, exit 1; a golden case: exactly its expected tree", () => {
    const bad = gen(["--site", "gateway-outside-subnet", "--inventory", "test/cases/invalid", "--out", join(tmp, "bad")]);
    expect(bad.stderr).toBe(readFileSync(join(ROOT, "test/cases/invalid/gateway-outside-subnet.expected"), "utf8"));
    expect(bad.code).toBe(1);
    const good = gen(["--site", "vrouter-single", "--inventory", "test/cases/golden/vrouter-single", "--out", join(tmp, "good"), "-q"]);
    expect(good.code).toBe(0);
    expect(snapshotTree(join(tmp, "good/vrouter-single"))).toEqual(snapshotTree(join(ROOT, "test/cases/golden/vrouter-single/expected")));
  });
});

describe("--check detects drift", () => {
  const out = join(tmp, "drift");
  const fresh = () => {
    copyTree(join(ROOT, "out/jumphost"), join(out, "jumphost"));
  };
  it("a hand edit", () => {
    fresh();
    appendFileSync(join(out, "jumphost/hosts/jumphost/host.sh"), "echo hand edit\n");
    const r = gen(["--site", "jumphost", "--out", out, "--check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("changed:    hosts/jumphost/host.sh");
    // the command to run again names the output folder this run used
    expect(r.stderr).toContain(`run: gen --site jumphost --out ${out}\n`);
  });
  it("a missing, an extra and a re-moded file", () => {
    fresh();
    rmSync(join(out, "jumphost/REVIEW.md"));
    writeFileSync(join(out, "jumphost/notes.txt"), "x\n");
    chmodSync(join(out, "jumphost/hosts/jumphost/host.sh"), 0o644);
    const r = gen(["--site", "jumphost", "--out", out, "--check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing:    REVIEW.md");
    expect(r.stderr).toContain("unexpected: notes.txt");
    expect(r.stderr).toContain("mode:       hosts/jumphost/host.sh is 0644, expected 0755");
  });
});

describe("writing", () => {
  it("is deterministic: two runs give the same bytes, and no timestamps", () => {
    const a = join(tmp, "a");
    const b = join(tmp, "b");
    expect(gen(["--site", "jumphost", "--out", a, "-q"]).code).toBe(0);
    expect(gen(["--site", "jumphost", "--out", b, "-q"]).code).toBe(0);
    const ta = snapshotTree(join(a, "jumphost"));
    expect(ta).toEqual(snapshotTree(join(b, "jumphost")));
    for (const [path, f] of Object.entries(ta)) expect(f.content, path).not.toMatch(/20\d\d-\d\d-\d\d[T ]\d\d:\d\d/);
  });
  it("replaces stale files inside out/<site>/ only", () => {
    const out = join(tmp, "stale");
    copyTree(join(ROOT, "out/jumphost"), join(out, "jumphost"));
    writeFileSync(join(out, "jumphost/old-artifact.sh"), "stale\n");
    mkdirSync(join(out, "other"));
    writeFileSync(join(out, "other/keep.txt"), "keep\n");
    writeFileSync(join(out, "keep-too.txt"), "keep\n");
    expect(gen(["--site", "jumphost", "--out", out, "-q"]).code).toBe(0);
    expect(existsSync(join(out, "jumphost/old-artifact.sh"))).toBe(false);
    expect(readFileSync(join(out, "other/keep.txt"), "utf8")).toBe("keep\n");
    expect(readFileSync(join(out, "keep-too.txt"), "utf8")).toBe("keep\n");
    // no temp or old trees left; the engine, gen's too, beside the site
    expect(readdirSync(out).sort()).toEqual(["engine", "jumphost", "keep-too.txt", "other"]);
  });
  it("manifest.json lists every other file with its mode, and the engine's (../engine/...), one a line", () => {
    const dir = join(ROOT, "out/jumphost");
    const text = readFileSync(join(dir, "manifest.json"), "utf8");
    const m = JSON.parse(text) as { inventory: string; files: Array<{ path: string; mode: string }> };
    expect(m.inventory).toBe("inventories/jumphost.yaml");
    const tree = snapshotTree(dir);
    delete tree["manifest.json"];
    for (const [p, f] of Object.entries(snapshotTree(join(ROOT, "out/engine")))) tree[`../engine/${p}`] = f;
    expect(m.files.map((f) => f.path)).toEqual(Object.keys(tree).sort());
    for (const f of m.files) expect(f.mode).toBe(`0${tree[f.path]!.mode}`);
    // no digest in it: a change to a file's content is that file's diff only
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text.split("\n").filter((l) => l.startsWith('    {"path": '))).toHaveLength(m.files.length);
  });
  it("the approval token (engine token.sh) is the sha256 of sha256sum's lines for manifest.json and each listed file, and follows any file's content", () => {
    const dir = join(ROOT, "out/jumphost");
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Array<{ path: string }> };
    const sums = ["manifest.json", ...m.files.map((f) => f.path)].map(
      (p) =>
        `${createHash("sha256")
          .update(readFileSync(join(dir, p)))
          .digest("hex")}  ${p}\n`,
    );
    const want = createHash("sha256").update(sums.join("")).digest("hex");
    const tokenSh = join(ROOT, "out/engine/token.sh");
    expect(execFileSync("bash", [tokenSh, dir], { encoding: "utf8" }).trim()).toBe(want);
    // from the ansible folder, as the plays' comment says
    expect(execFileSync("bash", ["-c", "bash ../../engine/token.sh .."], { cwd: join(dir, "ansible"), encoding: "utf8" }).trim()).toBe(want);
    // a copy with one file edited has another token; one with a listed file missing has none (exit 1, the file named)
    const copy = mkdtempSync(join(tmpdir(), "sitegen-token-"));
    try {
      cpSync(join(ROOT, "out/jumphost"), join(copy, "jumphost"), { recursive: true });
      cpSync(join(ROOT, "out/engine"), join(copy, "engine"), { recursive: true });
      const unit = join(copy, "jumphost/hosts/jumphost/files/provider-vip-gw.service");
      writeFileSync(unit, readFileSync(unit, "utf8").replace("10.12.8.1/22", "10.12.8.9/22"));
      expect(execFileSync("bash", [join(copy, "engine/token.sh"), join(copy, "jumphost")], { encoding: "utf8" }).trim()).not.toBe(want);
      rmSync(unit);
      const r = spawnSync("bash", [join(copy, "engine/token.sh"), join(copy, "jumphost")], { encoding: "utf8" });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("provider-vip-gw.service");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
  it("has a do-not-edit header in every file whose format allows comments", () => {
    for (const [path, f] of Object.entries(snapshotTree(join(ROOT, "out/jumphost")))) {
      if (path.endsWith(".json")) continue;
      expect(f.content, path).toContain("generated by sitegen from inventories/jumphost.yaml (site jumphost, D-057); do not edit");
    }
  });
});

describe("refusals and exit codes", () => {
  it.each(["../etc", "a/b", "..", "Jumphost", ".hidden"])("refuses site name %s", (name) => {
    const out = join(tmp, "refuse");
    const r = gen(["--site", name, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gen: site name '.*' is not valid/);
    expect(existsSync(out)).toBe(false);
  });
  it("names the known sites for an unknown one", () => {
    const r = gen(["--site", "nosuch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gen: inventories/nosuch.yaml: no such site 'nosuch'; known sites: ${sites.join(", ")}\n`);
  });
  it("exits 2 on a usage error and 0 on --help, which shows examples", () => {
    expect(gen(["--bogus"]).code).toBe(2);
    const h = gen(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("gen --site jumphost --check");
  });
  it("a reader that closes the pipe early ends the output quietly, without a stack trace", () => {
    const r = run("bash", ["-c", `node ${CLI} --help | head -c 10 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("rc=0\n");
  });
  it("validate checks every inventory", () => {
    const r = gen(["validate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${sites.map((s) => `inventories/${s}.yaml: ok\n`).join("")}${sites.length} sites: ${sites.length} ok, 0 failed\n`);
  });
});
