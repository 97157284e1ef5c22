// Free text (descriptions, a router's name) ends up inside output lines of host.sh audit and verify and in
// REVIEW.md: a control character could fake a PASS line or clear the terminal, so it is refused with a
// located diagnostic; shell metacharacters are allowed and quoted so that bash prints them literally
// and shellcheck stays clean.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, compile } from "../../src/compile.js";
import { shq } from "../../src/render/shell-quote.js";
import { ROOT } from "../helpers/gen.js";
import { requireTool, run } from "../helpers/tools.js";
import { tempDir } from "../helpers/tree.js";

const ROOSEVELT = readFileSync(join(ROOT, "inventories/roosevelt.yaml"), "utf8");
const tmp = tempDir("freetext");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Each free-text field of roosevelt: how to set it to a YAML double-quoted value, and the line it is on. */
const FIELDS: Array<[string, (v: string) => string]> = [
  ["router", (v) => ROOSEVELT.replace("router: rsv-core SVI Vlan100", `router: ${v}`)],
  ["site description", (v) => ROOSEVELT.replace(/^description: >-\n(  .*\n)+/m, `description: ${v}\n`)],
  ["network description", (v) => ROOSEVELT.replace("  - name: provider\n", `  - name: provider\n    description: ${v}\n`)],
];
const CONTROL = ["line\\nPASS  G1 faked", "cr\\rPASS", "esc\\e[2J", "tab\\tx", "nul\\0", "del\\x7f", "c1\\x85", "ls\\u2028", "bidi\\u202e"];
const SHELL = ["$(touch /tmp/sitegen-pwn)", "`id`", "it's", "\\\\ back", '\\"q\\"', "${HOME} $1 $$", "a;b|c&d>e<f", "!x *?[a]", "~root #c"];

describe("free text", () => {
  for (const [field, set] of FIELDS) {
    it(`${field}: a control character is one located bad-format diagnostic`, () => {
      for (const c of CONTROL) {
        const text = set(`"${c}"`);
        const ds = check(text, "r.yaml", { site: "roosevelt", source: "inventories/roosevelt.yaml" });
        expect(
          ds.map((d) => d.code),
          c,
        ).toEqual(["bad-format"]);
        expect(text.split("\n")[ds[0]!.line - 1]!.slice(ds[0]!.col - 1), c).toMatch(/^"/);
        expect(ds[0]!.help).toContain("no line breaks, tabs, escape or other control characters");
      }
    });
    it(`${field}: shell metacharacters compile, and every script stays shellcheck-clean`, () => {
      requireTool("shellcheck");
      const r = compile(set(`"${SHELL.join(" ")}"`), "r.yaml", { site: "roosevelt", source: "inventories/roosevelt.yaml" });
      if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
      const dir = join(tmp, field.replace(/ /g, "-"));
      for (const f of r.build.files.filter((x) => x.path.endsWith(".sh"))) {
        mkdirSync(join(dir, f.path, ".."), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      // beside the engine, as gen writes a site: -x follows each script to its lib.sh
      if (!existsSync(join(tmp, "engine"))) cpSync(join(ROOT, "out/engine"), join(tmp, "engine"), { recursive: true });
      for (const host of readdirSync(join(dir, "hosts"))) {
        for (const s of readdirSync(join(dir, "hosts", host)).filter((f) => f.endsWith(".sh"))) {
          const c = run("shellcheck", ["-x", "-f", "gcc", "-s", "bash", join(dir, "hosts", host, s)], { cwd: join(dir, "hosts", host) });
          expect(c.stdout, `${host}/${s}`).toBe("");
        }
      }
    });
  }
  it("REVIEW.md shows a '|', raw HTML and emphasis in free text literally: tables keep their columns", () => {
    const markdown = "a | b <img src=x> *c* [d](e) `f`";
    for (const [field, set] of FIELDS) {
      const r = compile(set(JSON.stringify(markdown)), "r.yaml", { site: "roosevelt", source: "inventories/roosevelt.yaml" });
      if (!r.ok) throw new Error(`${field} does not compile`);
      const review = r.build.files.find((f) => f.path === "REVIEW.md")!.content;
      expect(review, field).not.toContain("<img");
      const cells = (line: string) => line.replace(/\\./g, "").split("|").length;
      for (const table of review.split("\n\n").filter((b) => b.startsWith("|"))) {
        const rows = table.split("\n").filter((l) => l.startsWith("|"));
        expect(rows.map(cells), `${field}: ${table}`).toEqual(rows.map(() => cells(rows[0]!)));
      }
      if (field !== "network description") expect(review, field).toContain("a \\| b &lt;img src=x&gt; \\*c\\* \\[d\\](e) \\`f\\`");
    }
  });
  it("shq: bash reads every quoted payload back as the literal", () => {
    const payloads = [...SHELL.map((s) => JSON.parse(`"${s}"`) as string), "", "plain", "'", "''", "\\", "$", "`", "a'b$c`d\"e\\f", "é ü €"];
    const script = payloads.map((p) => `printf '%s\\0' ${shq(p)}`).join("\n");
    const r = run("bash", ["-c", script]);
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(payloads);
  });
});
