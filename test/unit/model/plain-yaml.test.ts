// The plain-subset reader (src/model/plain-yaml.ts) against the yaml package it stands in for: whatever it
// accepts it must read exactly as parseDocument(...).toJS does, with no error the yaml package would report.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { plainData } from "../../../src/model/plain-yaml.js";
import { parseSource } from "../../../src/model/source.js";
import { syntheticSite } from "../../../bench/synthetic.mjs";
import { ROOT } from "../../helpers/gen.js";

/** What the yaml package makes of text, with parseSource's options: data, or the codes of its errors. */
function yamlPackage(text: string): { data?: unknown; errors: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, logLevel: "error" });
  return doc.errors.length ? { errors: doc.errors.map((e) => e.code) } : { data: doc.toJS({ maxAliasCount: -1 }), errors: [] };
}

/** Accepted text must read as the yaml package reads it, and be text the yaml package reads without errors. */
function agrees(text: string): boolean {
  const fast = plainData(text);
  if (fast) expect({ data: fast.data, errors: [] }, text).toEqual(yamlPackage(text));
  return fast !== undefined;
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(dir, f));

describe("the plain-subset reader", () => {
  it("reads the seeds, the synthetic site and every test case as the yaml package does", () => {
    const files = [...yamlFiles(join(ROOT, "inventories")), ...yamlFiles(join(ROOT, "test/cases"))];
    const accepted = files.filter((f) => agrees(readFileSync(f, "utf8")));
    expect(agrees(syntheticSite("synth", 50))).toBe(true);
    expect(accepted.length).toBeGreaterThan(files.length / 2);
  });

  it("reads the subset: block and flow collections, quotes, comments, integers, booleans, nulls", () => {
    const accepted = [
      "a: 1\nb: x y  z\nc: [1, two, 'th''ree', \"four\"]\nd: { e: f, g: [] , h: {} }\n",
      "# top\nhosts:\n- name: h0 # trailing\n  bridges:\n    - { name: br0, owner: libvirt }\n-   name: h1\n    x:\n",
      "a:\n  - \n  -\n    b: c\n  - d\n  -\n    - e\nf: ~\ng: null\nh: True\ni: FALSE\nj: 0\nk: 123456789012345\n",
      "  indented: top\n  second: 2001:db8::1\n",
      "url: http://x/y#z\nlist: a, b [c] {d}\nv6: { address: fd00::1, b: 10.0.0.1/24 }\n",
      "a: it's\nb: .hidden\nc: 10.12.8.1\nd: +x\n",
      "a: >-\n  one # two\n  three's\n\nb: |\n   x\n   y\nc: >\n  z\n\n\nd: |- # note\n    w\n",
      "a: |\n  x\n",
      "a: >-\n  x\n",
    ];
    for (const t of accepted) expect(agrees(t), t).toBe(true);
  });

  it("leaves everything else to the yaml package", () => {
    const refused = [
      "",
      "# only a comment\n",
      "scalar\n",
      "a: 1\na: 2\n",
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: ||\n  x\n",
      "a: b\n  c\n",
      "a: [1,\n  2]\n",
      'a: "x\\ty"\n',
      "a: 'x' # c\n",
      "--- \na: 1\n",
      "%YAML 1.2\n---\na: 1\n",
      "a:\tb\n",
      "a: 1.5\n",
      "a: 1e3\n",
      "a: 0x1F\n",
      "a: 0o17\n",
      "a: 007\n",
      "a: -1\n",
      "a: .inf\n",
      "a: 1234567890123456\n",
      '"a": 1\n',
      "1: a\n",
      "true: a\n",
      "__proto__: a\n",
      "a: b: c\n",
      "a: [b, ]\n",
      "a: { b: c, }\n",
      "a: {b:c}\n",
      "a: { b: c, b: d }\n",
      "a: [x] y\n",
      "- - a\n",
      "a:\n    b: 1\n  c: 2\n",
      "a: 1\n- b\n",
      "- a\nb: 1\n",
      "a:\n  - b\n  c: 1\n",
      "a: fd00::\n",
      "a: ::1\n",
      'a: "x\n',
      "a: { b: [c }\n",
      "a: { b }\n",
      "a: [b: c]\n",
      "a: @x\n",
      "a: 'x\n",
      "a: x\r\n",
      "? a\n: b\n",
      "a: x\n...\n",
      "a: >-\n  x",
      "a: >-\n  x\n\n  y\n",
      "a: >-\n  x\n    y\n",
      "a: >-\n\n  x\n",
      "a: >-\n  x \n",
      "a: >-\nb: 1\n",
      "a: >+\n  x\n",
      "a: >2\n  x\n",
      "a: |\n  x\n  \n",
      "a: |\n  x\n \nb: 1\n",
      "- >-\n  x\n",
    ];
    for (const t of refused) {
      expect(plainData(t), JSON.stringify(t)).toBeUndefined();
      agrees(t);
    }
  });

  it("gives a plain-subset source its positions from the yaml package's document, when asked", () => {
    const text = "site: s\nhosts:\n  - name: h0\n    management: 10.0.0.1\n";
    const { source, errors } = parseSource(text, "s.yaml");
    expect(errors).toEqual([]);
    expect(source.at(["hosts", 0, "management"])).toEqual({ line: 4, col: 17, length: 8 });
    expect(source.at(["hosts", 0, "name"], true)).toEqual({ line: 3, col: 5, length: 4 });
  });
});
