// The Ansible hand-off of every site (inventories/ and the golden cases) passes the real tools:
// ansible-playbook --syntax-check, ansible-lint --offline --profile production, and yamllint -s.
// Each site is generated into a temporary folder (outside git, so ansible-lint neither scans the
// repository nor leaves anything in out/).
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gen, ROOT } from "../helpers/gen.js";
import { requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const yamlNames = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && !f.endsWith(".lock.yaml"))
    .map((f) => f.slice(0, -5))
    .sort();
const GOLDEN = join(ROOT, "test/cases/golden");
const SITES: Array<{ site: string; inventory: string }> = [
  ...yamlNames(join(ROOT, "inventories")).map((site) => ({ site, inventory: "inventories" })),
  ...readdirSync(GOLDEN)
    .sort()
    .map((site) => ({ site, inventory: join("test/cases/golden", site) })),
];

let out: string;
beforeAll(() => {
  for (const t of ["ansible-playbook", "ansible-lint", "yamllint"]) requireTool(t);
  out = tempDir("ansible-lint");
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ENV = { ...process.env, ANSIBLE_NOCOLOR: "1", NO_COLOR: "1", ANSIBLE_LOCAL_TEMP: "/tmp/.ansible-lint-tmp" };
const shown = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

describe("generated Ansible passes the real linters", () => {
  it("covers every site", () => expect(SITES.length).toBeGreaterThanOrEqual(4));
  for (const { site, inventory } of SITES) {
    it(
      site,
      () => {
        const g = gen(["--site", site, "--inventory", inventory, "--out", out, "--quiet"]);
        expect(g.code, g.stderr).toBe(0);
        const cwd = join(out, site, "ansible");
        // a site where sitegen changes nothing has no rollback.yml (test/unit/bundles/idle-host.test.ts)
        const books = ["apply.yml", "rollback.yml"].filter((b) => existsSync(join(cwd, b)));
        expect(books[0]).toBe("apply.yml");
        const syntax = run("ansible-playbook", ["--syntax-check", "-i", "inventory.yml", ...books], { cwd, env: ENV });
        expect(syntax.code, shown(syntax)).toBe(0);
        const yl = run("yamllint", ["-s", "-c", ".yamllint", "."], { cwd, env: ENV });
        expect(yl.code, shown(yl)).toBe(0);
        const lint = run("ansible-lint", ["--offline", "--profile", "production", "--nocolor", "-p"], { cwd, env: ENV, timeoutMs: 120_000 });
        expect(lint.code, shown(lint)).toBe(0);
        expect(lint.stdout + lint.stderr).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
      },
      120_000,
    );
  }
});
