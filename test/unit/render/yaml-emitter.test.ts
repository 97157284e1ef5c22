// The hand-written YAML emitter must be read back by a real YAML parser as exactly the data it was given.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../../../src/render/yaml.js";

const tricky = [
  "",
  " lead",
  "trail ",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "n",
  "null",
  "~",
  "true",
  "False",
  "104",
  "0x1f",
  "0o17",
  "1e3",
  ".5",
  "-1",
  "+1",
  "1_000",
  "12:30",
  "190:20:30",
  ".inf",
  "-.Inf",
  ".NaN",
  "2026-11-21",
  "2026-11-21T10:00:00Z",
  "<<",
  "- item",
  "? key",
  ": x",
  "a: b",
  "a #b",
  "a#b",
  "ends:",
  "#comment",
  "&anchor",
  "*alias",
  "!tag",
  "|pipe",
  ">fold",
  "'single'",
  '"double"',
  "%pct",
  "@at",
  "`tick`",
  "{{ jinja }}",
  "bash {{ x }}/checks.sh",
  "[list]",
  "{map}",
  "a, b",
  "10.12.8.1/22",
  "2001:db8::1",
  "::1",
  "virbr1.104",
  "tab\there",
  "ctl\u0001",
  "uni ✓",
  "line1\nline2",
  "two\n\n",
  "trailing\n",
  "  indented\nx",
  "x\n  indented",
  "sp \nx",
  "\n",
  "a\n\nb\n",
];

describe("toYaml", () => {
  it.each(tricky.map((s) => [JSON.stringify(s), s]))("round-trips the string %s as value and key", (_, s) => {
    const data = { value: s, list: [s, { [s || "k"]: s }], nested: [[s]] };
    expect(parse(toYaml(data))).toEqual(data);
    // in flow style too, where ',', '[', ']', '{' and '}' are indicators as well
    const words = { argv: [s, s || "w"], action: { kind: s || "k", [s || "k2"]: [s], deep: { x: s } } };
    expect(parse(toYaml(words, 200))).toEqual(words);
  });
  it("with a flow width, writes a record or a list of words that fits on one line, and keeps lists of records and sentences a line an item", () => {
    const data = { checks: ["check_addr a 1", "check_up a"], apply: [{ kind: "cmd", argv: ["ip", "link", "set", "a", "up"] }], long: { x: "y".repeat(60) } };
    expect(toYaml(data, 60)).toBe(
      "checks:\n  - check_addr a 1\n  - check_up a\napply:\n  - {kind: cmd, argv: [ip, link, set, a, up]}\nlong:\n  x: " + `${"y".repeat(60)}\n`,
    );
    expect(parse(toYaml(data, 60))).toEqual(data);
    expect(toYaml(data)).not.toContain("{");
  });
  it("writes names and paths plain but quotes the ones YAML 1.1 reads otherwise (a boolean word, an exponent)", () => {
    expect(toYaml(["eth0", "/etc/x", "br0.100", "n1", "ip link set a up", "n", "Yes", "e5", "E-3", "e5x", "a "])).toBe(
      '- eth0\n- /etc/x\n- br0.100\n- n1\n- ip link set a up\n- "n"\n- "Yes"\n- "e5"\n- "E-3"\n- e5x\n- "a "\n',
    );
  });
  it("writes a record on one line exactly when its line fits in the width", () => {
    const data = { apply: [{ kind: "cmd", argv: ["ip", "link"] }] };
    expect(toYaml(data, 33)).toBe("apply:\n  - {kind: cmd, argv: [ip, link]}\n");
    expect(toYaml(data, 32)).toBe("apply:\n  - kind: cmd\n    argv: [ip, link]\n");
  });
  it("round-trips numbers, booleans, null and empty collections", () => {
    const data = { n: 1, f: 1.5, neg: -3, t: true, no: false, z: null, e: [], m: {}, deep: [{ a: [1, { b: [] }] }] };
    expect(parse(toYaml(data))).toEqual(data);
  });
  it("writes netplan's shape in block style", () => {
    expect(toYaml({ network: { version: 2, vlans: { "virbr1.104": { id: 104, link: "virbr1", addresses: ["10.12.8.1/22"] } } } })).toBe(
      "network:\n  version: 2\n  vlans:\n    virbr1.104:\n      id: 104\n      link: virbr1\n      addresses:\n        - 10.12.8.1/22\n",
    );
  });
});
