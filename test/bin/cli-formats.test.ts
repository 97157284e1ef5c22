// The operator's CI tools: --all (one line per site, both cores for large inventories), --format
// json|github for validate, gen and --check, and gen schema.
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticSite } from "../../bench/synthetic.mjs";
import { halves } from "../../src/cli/all.js";
import { ghDiagnostic } from "../../src/cli/report.js";
import { gen, ROOT } from "../helpers/gen.js";
import { run } from "../helpers/tools.js";
import { copyTree, snapshotTree, tempDir } from "../helpers/tree.js";

const tmp = tempDir("formats");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sites = ["fuel-env", "jumphost", "roosevelt"];
const INVALID = "test/cases/invalid";

describe("--all", () => {
  it("--check --all: one line per site and a count, exit 0 when all are current", () => {
    const r = gen(["--all", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.replace(/\(\d+ files\)/g, "(N files)")).toBe(`${sites.map((s) => `out/${s}: up to date (N files)\n`).join("")}3 sites: 3 ok, 0 failed\n`);
    expect(r.code).toBe(0);
  });
  it("a failing site fails the run but the others still run and are named", () => {
    const inv = join(tmp, "mixed-inv");
    mkdirSync(inv, { recursive: true });
    for (const s of ["jumphost", "roosevelt"]) writeFileSync(join(inv, `${s}.yaml`), readFileSync(join(ROOT, "inventories", `${s}.yaml`)));
    writeFileSync(join(inv, "gateway-outside-subnet.yaml"), readFileSync(join(ROOT, INVALID, "gateway-outside-subnet.yaml")));
    const out = join(tmp, "mixed-out");
    const r = gen(["--all", "--inventory", inv, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${inv}/gateway-outside-subnet.yaml: 1 error; nothing was written\n3 sites: 2 ok, 1 failed\n`);
    const line = (s: string, n: number) => `${out}/${s}: wrote ${n} files; review ${out}/${s}/REVIEW.md\n`;
    expect(r.stdout).toBe(line("jumphost", 12) + line("roosevelt", 8));
  });
  it("splits sites into two halves of about equal bytes, each in the given order", () => {
    const size: Record<string, number> = { a: 5, b: 1, c: 4, d: 2, e: 3 };
    expect(halves(["a", "b", "c", "d", "e"], (s) => size[s]!)).toEqual([
      ["a", "b", "d"],
      ["c", "e"],
    ]);
  });
  it("refuses --site together with --all, and --all on an empty folder", () => {
    expect(gen(["--all", "--site", "jumphost"]).stderr).toBe("gen: --site and --all exclude each other\n");
    mkdirSync(join(tmp, "empty"), { recursive: true });
    const r = gen(["--all", "--inventory", join(tmp, "empty")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gen: no sites: ${tmp}/empty has no *.yaml files\n`);
  });
  it("on two threads (forced here; by default when each half of the inventories is 256 KB or more) the output is exactly one thread's", () => {
    const inv = join(tmp, "big-inv");
    mkdirSync(inv, { recursive: true });
    for (const [n, h] of [
      ["big-a", 16],
      ["big-b", 10],
      ["big-c", 6],
    ] as const)
      writeFileSync(join(inv, `${n}.yaml`), syntheticSite(n, h));
    const both = join(tmp, "big-all");
    const r = gen(["--all", "--inventory", inv, "--out", both], ROOT, { SITEGEN_STATS: "1", SITEGEN_THREADS: "2" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/threads=2\n$/);
    expect(r.stdout).toMatch(/^[^\n]*big-a: wrote \d+ files[^\n]*\n[^\n]*big-b: [^\n]*\n[^\n]*big-c: [^\n]*\n3 sites: 3 ok, 0 failed\n$/);
    const one = join(tmp, "big-one");
    expect(gen(["--all", "--inventory", inv, "--out", one, "-q"], ROOT, { SITEGEN_STATS: "1" }).stderr).toMatch(/threads=1\n$/); // 20 KB: too small
    for (const s of ["big-a", "big-b", "big-c"]) expect(snapshotTree(join(both, s))).toEqual(snapshotTree(join(one, s)));
  }, 120_000);
});

describe("--format json", () => {
  it("validate: one document with every diagnostic, located", () => {
    const r = gen(["validate", "--inventory", INVALID, "--site", "errors-and-warnings", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      tool: "sitegen",
      command: "validate",
      ok: false,
      errors: 1,
      warnings: 1,
      sites: [
        {
          site: "errors-and-warnings",
          inventory: `${INVALID}/errors-and-warnings.yaml`,
          status: "invalid",
          ok: false,
          diagnostics: [
            {
              severity: "error",
              code: "vip-outside-subnet",
              file: `${INVALID}/errors-and-warnings.yaml`,
              line: 37,
              column: 34,
              length: 10,
              object: "vrouter vr",
              message: "public VIP 172.17.0.2 is not inside 172.16.0.0/24",
              help: "pick an address between 172.16.0.1 and 172.16.0.254",
            },
            {
              severity: "warning",
              code: "vrrp-unauthenticated",
              file: `${INVALID}/errors-and-warnings.yaml`,
              line: 38,
              column: 5,
              length: 2,
              object: "vrouter vr",
              message: "keepalived runs VRRP without a password: adverts for VRRP ID 52 from any host on network mgmt are accepted",
              help: "set 'auth_vault_var' to the Ansible vault variable that holds the VRRP password (never written into out/)",
            },
          ],
        },
      ],
    });
  });
  it("--check --all: every site's status, file count and drift", () => {
    const out = join(tmp, "json-drift");
    for (const s of [...sites, "engine"]) copyTree(join(ROOT, "out", s), join(out, s));
    appendFileSync(join(out, "jumphost/REVIEW.md"), "hand edit\n");
    const r = gen(["--all", "--check", "--out", out, "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; sites: Array<{ site: string; status: string; drift: unknown[] }> };
    expect(doc.ok).toBe(false);
    expect(doc.sites.map((s) => [s.site, s.status])).toEqual([
      ["fuel-env", "current"],
      ["jumphost", "drift"],
      ["roosevelt", "current"],
    ]);
    expect(doc.sites[1]!.drift).toEqual([{ kind: "changed", path: "REVIEW.md" }]);
  });
});

describe("--format json for gen", () => {
  it("says wrote, then unchanged, with the output folder and file count; warnings included", () => {
    const out = join(tmp, "json-gen");
    const args = ["--site", "vrrp-unauthenticated", "--inventory", "test/cases/warning", "--out", out, "--format", "json"];
    const first = JSON.parse(gen(args).stdout) as { ok: boolean; warnings: number; sites: Array<Record<string, unknown>> };
    expect(first).toMatchObject({ ok: true, warnings: 1, sites: [{ status: "wrote", out: `${out}/vrrp-unauthenticated`, ok: true }] });
    expect(first.sites[0]!.files).toBeGreaterThan(10);
    expect(JSON.parse(gen(args).stdout).sites[0].status).toBe("unchanged");
    const strict = gen([...args, "--strict"]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({ ok: false, errors: 0, warnings: 1, sites: [{ status: "invalid" }] });
  });
});

describe("--format github", () => {
  it("errors and warnings become workflow annotations at their position, then one line per site", () => {
    const r = gen(["validate", "--inventory", INVALID, "--site", "errors-and-warnings", "--format", "github"]);
    expect(r.code).toBe(1);
    const f = `${INVALID}/errors-and-warnings.yaml`;
    expect(r.stdout).toBe(
      `::error file=${f},line=37,col=34,title=sitegen vip-outside-subnet::vrouter vr: public VIP 172.17.0.2 is not inside 172.16.0.0/24 ` +
        "(help: pick an address between 172.16.0.1 and 172.16.0.254)\n" +
        `::warning file=${f},line=38,col=5,title=sitegen vrrp-unauthenticated::vrouter vr: keepalived runs VRRP without a password: ` +
        "adverts for VRRP ID 52 from any host on network mgmt are accepted " +
        "(help: set 'auth_vault_var' to the Ansible vault variable that holds the VRRP password (never written into out/))\n" +
        `${f}: 1 error, 1 warning\n`,
    );
  });
  it("drift is annotated on the stale file; %, CR and LF in messages are escaped", () => {
    const out = join(tmp, "gh-drift");
    copyTree(join(ROOT, "out/jumphost"), join(out, "jumphost"));
    copyTree(join(ROOT, "out/engine"), join(out, "engine"));
    rmSync(join(out, "jumphost/REVIEW.md"));
    const r = gen(["--site", "jumphost", "--check", "--out", out, "--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `::error file=${out}/jumphost/REVIEW.md,title=sitegen drift::missing: REVIEW.md: ` +
        `${out}/jumphost is not what inventories/jumphost.yaml produces; run: gen --site jumphost --out ${out}\n` +
        `${out}/jumphost is not what inventories/jumphost.yaml produces (1 difference); run: gen --site jumphost --out ${out}\n`,
    );
    const inv = join(tmp, "gh-escape");
    mkdirSync(inv, { recursive: true });
    writeFileSync(join(inv, "esc.yaml"), "site: esc\nnetw%orks: []\n");
    const e = gen(["validate", "--inventory", inv, "--format", "github"]);
    expect(e.stdout).toContain(
      `::error file=${inv}/esc.yaml,line=2,col=1,title=sitegen unknown-key::site: unknown key 'netw%25orks' ` + "(help: did you mean 'networks'?)\n",
    );
    expect(e.stdout).toMatch(/\n1 site: 0 ok, 1 failed\n$/);
    const d = { file: "a,b:c.yaml", line: 3, col: 4, length: 1, code: "bad-value" as const, object: "", message: "two\r\nlines 5%" };
    expect(ghDiagnostic(d)).toBe("::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=sitegen bad-value::two%0D%0Alines 5%25\n");
  });
  it("rejects an unknown format as a usage error", () => {
    const r = gen(["validate", "--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are text, json, github");
  });
});

describe("gen schema", () => {
  const shipped = readFileSync(join(ROOT, "src/model/site.schema.json"), "utf8");
  it("prints the schema the package ships, byte for byte, with a stable $id", () => {
    const r = gen(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(shipped);
    expect(JSON.parse(shipped).$id).toBe("urn:sitegen:site-schema:1");
  });
  it("writes it where asked", () => {
    const f = join(tmp, "elsewhere/.sitegen/site.schema.json");
    const r = gen(["schema", "--output", f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${f}: wrote the site schema (urn:sitegen:site-schema:1)\n`);
    expect(readFileSync(f, "utf8")).toBe(shipped);
  });
  it("the package exports it and its tarball ships it (with the bin) at a stable path", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, string> };
    expect(pkg.exports["./site.schema.json"]).toBe("./src/model/site.schema.json");
    const r = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
    // the bin is dist/gen.cjs (dist/gen.mjs runs it), which runs the bundle dist/sitegen.cjs from its code cache dist/sitegen.cache
    expect(files).toEqual([
      "README.md",
      "dist/gen.cjs",
      "dist/gen.mjs",
      "dist/sitegen.cache",
      "dist/sitegen.cjs",
      "package.json",
      "src/model/site.schema.json",
    ]);
  });
});
