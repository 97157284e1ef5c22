// The command line and the writer run in process (so coverage sees them); cli.test.ts runs the built
// executable as a user would. Output is captured from process.stdout/stderr.
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { cli } from "../../../src/cli/program.js";
import { fault } from "../../../src/emit/fault.js";
import { OutputError, outputError, recover } from "../../../src/emit/leftovers.js";
import { writeSite } from "../../../src/emit/write.js";
import { ROOT } from "../../helpers/gen.js";
import { snapshotTree, tempDir } from "../../helpers/tree.js";

const tmp = tempDir("cli-inproc");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.SITEGEN_FAULT;
});

async function gen(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await cli(["node", "gen", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    vi.restoreAllMocks();
  }
}

describe("gen in process", async () => {
  const out = join(tmp, "out");
  it("writes, then finds the tree unchanged and up to date, then reports a hand edit", async () => {
    const wrote = `${out}/jumphost: wrote 12 files; review ${out}/jumphost/REVIEW.md\n`;
    expect(await gen("--site", "jumphost", "--out", out)).toEqual({ code: 0, stdout: wrote, stderr: "" });
    expect(snapshotTree(join(out, "jumphost"))).toEqual(snapshotTree(join(ROOT, "out/jumphost")));
    expect((await gen("--site", "jumphost", "--out", out)).stdout).toContain("unchanged, 12 files");
    expect(await gen("--site", "jumphost", "--out", out, "--check")).toEqual({ code: 0, stdout: `${out}/jumphost: up to date (12 files)\n`, stderr: "" });
    appendFileSync(join(out, "jumphost/REVIEW.md"), "edit\n");
    const d = await gen("--site", "jumphost", "--out", out, "--check", "-q");
    expect(d.code).toBe(1);
    expect(d.stderr).toBe(`${out}/jumphost is not what inventories/jumphost.yaml produces:\n  changed:    REVIEW.md\nrun: gen --site jumphost --out ${out}\n`);
    expect(await gen("--site", "jumphost", "--out", out, "-q")).toEqual({ code: 0, stdout: "", stderr: "" });
  });
  it("writes the engine beside the sites, reports a hand edit to it, and replaces a tree of the old layout without orphans", async () => {
    const o2 = join(tmp, "out-engine");
    expect((await gen("--site", "jumphost", "--out", o2, "-q")).code).toBe(0);
    expect(snapshotTree(join(o2, "engine"))).toEqual(snapshotTree(join(ROOT, "out/engine")));
    appendFileSync(join(o2, "engine/lib.sh"), "# edit\n");
    const d = await gen("--site", "jumphost", "--out", o2, "--check", "-q");
    expect(d.code).toBe(1);
    expect(d.stderr).toContain("changed:    ../engine/lib.sh");
    // the old layout: each site with its own role, each host with its own lib.sh
    mkdirSync(join(o2, "jumphost/ansible/roles/sitegen_host/tasks"), { recursive: true });
    writeFileSync(join(o2, "jumphost/ansible/roles/sitegen_host/tasks/apply.yml"), "---\n");
    writeFileSync(join(o2, "jumphost/hosts/jumphost/lib.sh"), "# old\n");
    expect((await gen("--site", "jumphost", "--out", o2, "-q")).code).toBe(0);
    expect(snapshotTree(join(o2, "jumphost"))).toEqual(snapshotTree(join(ROOT, "out/jumphost")));
    expect(snapshotTree(join(o2, "engine"))).toEqual(snapshotTree(join(ROOT, "out/engine")));
    expect((await gen("--site", "jumphost", "--out", o2, "--check", "-q")).code).toBe(0);
  });
  it("refuses a site named engine: out/engine/ is the engine's", async () => {
    const r = await gen("--site", "engine", "--out", join(tmp, "out-x"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("site name 'engine' is taken");
  });
  it("reports diagnostics with exit 1 and writes nothing", async () => {
    const r = await gen("--site", "vid-duplicate", "--inventory", "test/cases/invalid", "--out", out);
    expect(r.stderr).toBe(readFileSync(join(ROOT, "test/cases/invalid/vid-duplicate.expected"), "utf8"));
    expect(r.code).toBe(1);
  });
  it("validate: every inventory ok; an invalid folder exits 1; an empty one is a usage error", async () => {
    const ok = `${["fuel-env", "jumphost", "roosevelt"].map((s) => `inventories/${s}.yaml: ok\n`).join("")}3 sites: 3 ok, 0 failed\n`;
    expect(await gen("validate")).toEqual({ code: 0, stdout: ok, stderr: "" });
    const bad = await gen("validate", "--site", "vid-duplicate", "--inventory", "test/cases/invalid");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\n1 error\n$/);
    mkdirSync(join(tmp, "empty"), { recursive: true });
    const empty = await gen("validate", "--inventory", join(tmp, "empty"));
    expect(empty).toEqual({ code: 1, stdout: "", stderr: `gen: no sites: ${join(tmp, "empty")} has no *.yaml files\n` });
    // an inventory named .yml is not read, and gen says so
    writeFileSync(join(tmp, "empty", "lab.yml"), "site: lab\n");
    expect((await gen("validate", "--inventory", join(tmp, "empty"))).stderr).toBe(
      `gen: no sites: ${join(tmp, "empty")} has no *.yaml files (lab.yml is there, but inventories end in .yaml: rename)\n`,
    );
    expect((await gen("--site", "lab", "--inventory", join(tmp, "empty"))).stderr).toBe(
      `gen: ${join(tmp, "empty")}/lab.yaml: no such site 'lab' (no *.yaml in ${join(tmp, "empty")}); lab.yml is there, but inventories end in .yaml: rename it\n`,
    );
  });
  it("usage mistakes: unknown site, bad name, missing --site, unknown option; help and targets", async () => {
    const known = "gen: inventories/nope.yaml: no such site 'nope'; known sites: fuel-env, jumphost, roosevelt\n";
    expect(await gen("--site", "nope")).toEqual({ code: 1, stdout: "", stderr: known });
    expect((await gen("--site", "nope", "--inventory", join(tmp, "none"))).stderr).toContain(`(no *.yaml in ${join(tmp, "none")})`);
    expect((await gen("--site", "../x")).stderr).toMatch(/^gen: site name '\.\.\/x' is not valid/);
    expect(await gen()).toEqual({ code: 1, stdout: "", stderr: "gen: missing --site <name> or --all (see gen --help)\n" });
    expect((await gen("--bogus")).code).toBe(2);
    const help = await gen("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes: 0 ok;");
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await gen("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(help.stdout).toContain("-V, --version");
    expect((await gen("targets")).stdout).toMatch(/^audit\s/m);
  });
  it("an empty --site is an invalid site name for gen and validate alike", async () => {
    const bad = "gen: site name '' is not valid: use lower-case letters, digits, '-' and '_' (it names inventories/<site>.yaml and out/<site>/)\n";
    expect(await gen("--site", "")).toEqual({ code: 1, stdout: "", stderr: bad });
    expect(await gen("validate", "--site", "")).toEqual({ code: 1, stdout: "", stderr: bad });
  });
  it("gen plan reads the lock beside the inventory: a stale entry gen refuses, the plan refuses too", async () => {
    const r = await gen(
      "plan",
      "--site",
      "lock-stale",
      "--inventory",
      "test/cases/invalid",
      "--from",
      "test/cases/invalid/lock-stale.yaml",
      "--out",
      join(tmp, "plan-out"),
    );
    expect(r).toEqual({ code: 1, stdout: "", stderr: readFileSync(join(ROOT, "test/cases/invalid/lock-stale.expected"), "utf8") });
  });
  it("the lock: --check fails while gen would write it, gen writes it beside the inventory, then it is up to date", async () => {
    const inv = join(tmp, "lock-inv");
    mkdirSync(inv, { recursive: true });
    writeFileSync(join(inv, "fuel-env.yaml"), readFileSync(join(ROOT, "inventories/fuel-env.yaml"), "utf8"));
    const run = (...args: string[]) => gen("--site", "fuel-env", "--inventory", inv, "--out", join(tmp, "lock-out"), "-q", ...args);
    const first = await run("--check");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`${inv}/fuel-env.lock.yaml would change (5 new allocations)`);
    expect((await run()).code).toBe(0);
    expect(readFileSync(join(inv, "fuel-env.lock.yaml"), "utf8")).toBe(readFileSync(join(ROOT, "inventories/fuel-env.lock.yaml"), "utf8"));
    expect(await run("--check")).toEqual({ code: 0, stdout: "", stderr: "" });
  });
  it("an output fault is one line and exit 2", async () => {
    writeFileSync(join(tmp, "afile"), "x\n");
    const r = await gen("--site", "jumphost", "--out", join(tmp, "afile"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gen: cannot write [^\n]*afile\/jumphost: [^\n]*afile is a file, not a folder; /);
    expect(r.stderr).toMatch(/\(ENOTDIR\); nothing was written to [^\n]*\n$/);
  });
});

describe("writer pieces", () => {
  const errno = (code: string, path?: string) => Object.assign(new Error(code), { code, syscall: "open", ...(path ? { path } : {}) });
  it("outputError names the folder and what to do for each errno, and passes anything else through", () => {
    const t = join(tmp, "o", "s");
    const msg = (code: string, path?: string) => (outputError(errno(code, path), join(tmp, "o"), t) as OutputError).message;
    expect(msg("EACCES", "/x")).toBe(
      `cannot write ${t}: permission denied on /x; fix its permissions or choose another --out folder (EACCES); ` + `nothing was written to ${t}`,
    );
    expect(msg("EPERM")).toContain(`operation not permitted on ${join(tmp, "o")}`);
    expect(msg("EDQUOT")).toContain("the disk quota");
    expect(msg("EEXIST", "/y")).toContain("/y exists and is not a folder");
    expect(msg("ENAMETOOLONG", "/z")).toContain("too long");
    expect(msg("EIO", "/w")).toContain("open /w failed (EIO); check the --out folder");
    const plain = new Error("boom");
    expect(outputError(plain, tmp, t)).toBe(plain);
    const own = new OutputError("mine");
    expect(outputError(own, tmp, t)).toBe(own);
  });
  it("recover removes a dead run's unfinished tree and keeps the newest previous tree when the site is missing", () => {
    const o = join(tmp, "rec");
    for (const n of [".s.old-999999-1", ".s.old-999999-2", ".s.tmp-999999-2", ".t.old-999999-1"]) mkdirSync(join(o, n), { recursive: true });
    writeFileSync(join(o, ".s.old-999999-2", "f"), "newest\n");
    expect(recover(o, "s")).toEqual([
      `restored ${o}/s from .s.old-999999-2, left by a run that was killed between its renames`,
      `removed ${o}/.s.old-999999-1, left by a killed run (pid 999999)`,
      `removed ${o}/.s.tmp-999999-2, left by a killed run (pid 999999)`,
    ]);
    expect(readFileSync(join(o, "s", "f"), "utf8")).toBe("newest\n");
    expect(recover(join(tmp, "no-such"), "s")).toEqual([]);
  });
  it("a fault point that is not registered is a programming error; unset, fault() does nothing", () => {
    expect(() => fault("tree-written")).not.toThrow();
    process.env.SITEGEN_FAULT = "no-such-point";
    expect(() => fault("no-such-point")).toThrow("SITEGEN_FAULT=no-such-point: not a fault point");
  });
  it("writeSite reports notes of a recovery and refuses a symbolic link at out/<site>", () => {
    const o = join(tmp, "ws");
    mkdirSync(join(o, ".s.tmp-999999-5"), { recursive: true });
    const notes: string[] = [];
    expect(writeSite(o, "s", [{ path: "a.txt", content: "a\n", mode: 0o644 }], notes)).toBe(true);
    expect(notes).toEqual([`removed ${o}/.s.tmp-999999-5, left by a killed run (pid 999999)`]);
    rmSync(join(o, "s"), { recursive: true });
    symlinkSync("/tmp", join(o, "s"));
    expect(() => writeSite(o, "s", [])).toThrow(`${o}/s is a symbolic link, not a folder gen wrote; move it away or delete it, then run gen again`);
  });
});
