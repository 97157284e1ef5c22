// Mutations of real inventories, at the data level (structure, types, values drawn from the same
// document, so that many mutants stay plausible) and at the text level (characters, lines, indentation,
// anchors and aliases, document markers). Each mutation is a plain object, so a failing case prints it.
import fc from "fast-check";
import { parseDocument, stringify } from "yaml";

type Json = unknown;
type Path = Array<string | number>;

/** Every path in data, root first. */
export function paths(data: Json, base: Path = []): Path[] {
  const out: Path[] = [base];
  if (Array.isArray(data)) data.forEach((v, i) => out.push(...paths(v, [...base, i])));
  else if (data && typeof data === "object") for (const [k, v] of Object.entries(data)) out.push(...paths(v, [...base, k]));
  return out;
}

const get = (d: Json, p: Path): Json => p.reduce<Json>((n, s) => (n as Record<string | number, Json> | undefined)?.[s], d);
const clone = <T>(v: T): T => structuredClone(v);

/** Values that often break things: boundaries, wrong types, odd strings. */
export const ODD: Json[] = [
  null,
  "",
  0,
  -1,
  1,
  4094,
  4095,
  4096,
  255,
  256,
  65535,
  65536,
  1e300,
  -0,
  0.5,
  true,
  false,
  [],
  {},
  [[]],
  [{}],
  "x".repeat(300),
  "10.0.0.0/8",
  "10.12.8.0/22",
  "10.12.8.1",
  "10.12.8.0",
  "10.12.11.255",
  "0.0.0.0",
  "255.255.255.255",
  "::",
  "::1",
  "2001:db8::1",
  "fe80::1%eth0",
  "2001:db8:8::/64",
  "ff02::1",
  "225.0.0.50",
  "1.2.3.4/32",
  "1.2.3",
  "01.2.3.4",
  "a b",
  "a.b",
  "UPPER",
  "virbr1",
  "br-mgmt",
  "ctrl1",
  "jumphost",
  "bridge-owner",
  "host",
  "router",
  "netplan",
  "libvirt",
  "keepalived",
  "pacemaker",
  "a\nb",
  "tab\tx",
  "$(id)",
  "`id`",
  "'",
  '"',
  "\\",
  "é",
  "-",
  "x.service",
  ...holeValues(),
];

/**
 * The model holes of issue 23 as values: unit names that are the distribution's or a router's, management
 * addresses that are special or another host's, zone ids, special blocks as networks, Ansible's group names.
 */
function holeValues(): Json[] {
  return [
    "ssh.service",
    "libvirtd.service",
    "systemd-networkd.service",
    "sitegen-vr-dnsmasq.service",
    "sitegen-vr-boot.service",
    "provider-vip-gw.service",
    "127.0.0.1",
    "224.0.0.9",
    "169.254.1.1",
    "fe80::5",
    "10.250.0.1",
    "10.250.1.2",
    "10.17.11.246",
    "192.168.0.21",
    "10.250.0.1%eth0",
    "2001:db8::1%2",
    "239.1.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fe80::/64",
    "10.1.0.0/32",
    "10.12.8.1/32",
    "all",
    "ungrouped",
    104,
    20,
  ];
}

/** Keys the planting mutation sets: where those values mean something (a gateway's unit, a network's vlan, ...). */
const PLANT_KEYS = ["unit", "vlan", "management", "address", "cidr", "cidr6", "name", "on"] as const;

export type DataMutation =
  | { op: "delete"; at: number }
  | { op: "set"; at: number; value: Json }
  | { op: "copy"; from: number; to: number }
  | { op: "duplicate"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "rename"; at: number; key: number }
  | { op: "add-key"; at: number; key: number; value: number }
  | { op: "plant"; at: number; key: (typeof PLANT_KEYS)[number]; value: Json };

export const dataMutation: fc.Arbitrary<DataMutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...ODD), fc.integer(), fc.string({ maxLength: 12 })) }),
  fc.record({ op: fc.constant("copy" as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("rename" as const), at: fc.nat(), key: fc.nat() }),
  fc.record({ op: fc.constant("add-key" as const), at: fc.nat(), key: fc.nat(), value: fc.nat() }),
  fc.record({ op: fc.constant("plant" as const), at: fc.nat(), key: fc.constantFrom(...PLANT_KEYS), value: fc.constantFrom(...holeValues(), "bridge-owner") }),
);

function setAt(d: Json, p: Path, v: Json): void {
  if (!p.length) return;
  const parent = get(d, p.slice(0, -1)) as Record<string | number, Json>;
  parent[p[p.length - 1]!] = v;
}

function deleteAt(d: Json, p: Path): void {
  if (!p.length) return;
  const parent = get(d, p.slice(0, -1));
  const k = p[p.length - 1]!;
  if (Array.isArray(parent)) parent.splice(k as number, 1);
  else delete (parent as Record<string, Json>)[k as string];
}

/** Apply one mutation to data in place; indexes wrap around the document's paths and keys. */
export function applyData(d: Json, m: DataMutation): void {
  const ps = paths(d);
  const keys = [...new Set(ps.map((p) => p[p.length - 1]).filter((k): k is string => typeof k === "string"))];
  const pick = (n: number) => ps[n % ps.length]!;
  switch (m.op) {
    case "delete":
      return deleteAt(d, pick(m.at));
    case "set":
      return setAt(d, pick(m.at), clone(m.value));
    case "copy":
      return copy(d, pick(m.from), pick(m.to));
    case "duplicate":
      return duplicate(d, pick(m.at));
    case "swap":
      return swap(d, pick(m.at), pick(m.with));
    case "rename":
      return rename(d, pick(m.at), keys[m.key % keys.length]!);
    case "add-key": {
      const obj = get(d, pick(m.at));
      if (isObject(obj)) obj[keys[m.key % keys.length]!] = clone(get(d, pick(m.value)));
      return;
    }
    case "plant": {
      // the nth mapping, so that a gateway, a host or a network gets the key whatever else the document holds
      const objs = ps.filter((p) => isObject(get(d, p)));
      const obj = get(d, objs[m.at % objs.length]!) as Record<string, Json>;
      obj[m.key] = clone(m.value);
    }
  }
}

const isObject = (v: Json): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v);

/** Copy the value at from over the one at to, unless to lies inside from. */
function copy(d: Json, from: Path, to: Path): void {
  if (!isPrefix(from, to)) setAt(d, to, clone(get(d, from)));
}

/** Insert a copy of a list element next to it. */
function duplicate(d: Json, p: Path): void {
  const parent = get(d, p.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 0, clone(get(d, p)));
}

/** Exchange two values, unless one contains the other. */
function swap(d: Json, a: Path, b: Path): void {
  if (isPrefix(a, b) || isPrefix(b, a)) return;
  const va = clone(get(d, a));
  setAt(d, a, clone(get(d, b)));
  setAt(d, b, va);
}

/** Move a mapping's value to another key. */
function rename(d: Json, p: Path, key: string): void {
  const parent = get(d, p.slice(0, -1));
  const k = p[p.length - 1];
  if (typeof k !== "string" || !isObject(parent)) return;
  const v = parent[k];
  delete parent[k];
  parent[key] = v;
}

const isPrefix = (a: Path, b: Path) => a.length <= b.length && a.every((s, i) => s === b[i]);

/** YAML text of a seed after data mutations, in block or flow style. */
export function mutateData(seed: string, ms: DataMutation[], flow: boolean): string {
  const d = parseDocument(seed).toJS() as Json;
  for (const m of ms) applyData(d, m);
  return stringify(d, flow ? { collectionStyle: "flow", aliasDuplicateObjects: false } : { aliasDuplicateObjects: false });
}

export type TextMutation =
  | { op: "delete"; at: number; len: number }
  | { op: "insert"; at: number; text: string }
  | { op: "dup-line"; at: number }
  | { op: "swap-lines"; at: number; with: number }
  | { op: "indent"; at: number; by: number }
  | { op: "alias"; anchor: number; alias: number; name: string };

const SNIPPETS = [
  "\n",
  ":",
  ": ",
  "- ",
  "  ",
  "\t",
  "#",
  "&a ",
  "*a",
  "*nope",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "|",
  ">",
  "---\n",
  "...\n",
  "!!str ",
  "!!int ",
  "? ",
  "<<: *a\n",
  "\\",
  "%YAML 1.2\n",
  "\u0000",
  "\u001b[2J",
  "é",
  "0x1F",
  "1e3",
  "~",
  "null",
  "true",
  ".nan",
  "-.inf",
  "10.12.8.1",
  "virbr1",
  "jumphost",
  // bytes that are not UTF-8 as reading them leaves them (U+FFFD), a byte-order mark, tags sitegen would not honour, a zone id
  "\uFFFD",
  "\uFEFF",
  "!foo ",
  "!!binary ",
  "!!set ",
  "%eth0",
];

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 6 })) }),
  fc.record({ op: fc.constant("dup-line" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap-lines" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant("alias" as const), anchor: fc.nat(), alias: fc.nat(), name: fc.constantFrom("a", "x1", "n") }),
);

/** Apply one text mutation; positions wrap around the text. */
export function applyText(t: string, m: TextMutation): string {
  const lines = t.split("\n");
  const L = (n: number) => n % lines.length;
  switch (m.op) {
    case "delete": {
      const at = m.at % (t.length + 1);
      return t.slice(0, at) + t.slice(at + m.len);
    }
    case "insert": {
      const at = m.at % (t.length + 1);
      return t.slice(0, at) + m.text + t.slice(at);
    }
    case "dup-line":
      lines.splice(L(m.at), 0, lines[L(m.at)]!);
      return lines.join("\n");
    case "swap-lines": {
      const a = L(m.at);
      const b = L(m.with);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join("\n");
    }
    case "indent": {
      const a = L(m.at);
      lines[a] = m.by >= 0 ? " ".repeat(m.by) + lines[a] : lines[a]!.replace(new RegExp(`^ {0,${-m.by}}`), "");
      return lines.join("\n");
    }
    case "alias": {
      // Anchor a value ("key: value" -> "key: &n value") and replace a later value by "*n".
      const values = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[a-z_]+: \S/.test(l));
      if (values.length < 2) return t;
      const a = values[m.anchor % values.length]![1];
      const b = values[m.alias % values.length]![1];
      lines[a] = lines[a]!.replace(/: /, `: &${m.name} `);
      lines[b] = lines[b]!.replace(/: .*/, `: *${m.name}`);
      return lines.join("\n");
    }
  }
}
