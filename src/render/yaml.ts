// The one YAML emitter: block style, keys in the order the view-model builds them, two-space
// indentation with sequences indented under their key, no anchors, no folding. Written by hand
// because the yaml package's stringify builds a node tree per value and dominated the time of a
// 2,000-host site; test/unit/render/yaml-emitter.test.ts checks that yaml's parser reads back the same data.

type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

/** Strings that YAML 1.1 or 1.2 would read as something else (numbers, booleans, null, dates, sexagesimals). */
const RESOLVES = new RegExp(`^(?:${[
  String.raw`[-+]?(?:\d[\d_]*)?(?:\.[\d_]*)?(?:[eE][-+]?\d+)?`, // decimal numbers (and the empty string)
  String.raw`0x[\da-fA-F_]+|0o[0-7_]+|0b[01_]+`,
  String.raw`[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`,
  "y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF", // YAML 1.1 booleans
  "null|Null|NULL|~|<<",
  String.raw`[-+]?[\d_]+(?::[0-5]?\d)+(?:\.[\d_]*)?`, // sexagesimals (1:20)
  String.raw`\d{4}-\d\d?-\d\d?(?:[Tt ].*)?`, // dates
].join("|")})$`);
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`\s]|[-?:](?:\s|$))/;
const UNSAFE = /: |:$| #|[\t\n\r\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]|\s$/;

function scalar(s: string): string {
  if (s === "" || RESOLVES.test(s) || INDICATOR.test(s) || UNSAFE.test(s)) return JSON.stringify(s);
  return s;
}

const NONPRINT = /[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/;

/** A multi-line string as a literal block, when every line can be kept verbatim. */
function literal(s: string, indent: string): string | undefined {
  if (!s.includes("\n") || /^[ \t]/.test(s) || /[ \t]$/m.test(s) || NONPRINT.test(s)) return undefined;
  const body = s.replace(/\n+$/, "");
  if (!body) return undefined;
  const trailing = s.length - body.length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const lines = (trailing > 1 ? s.slice(0, -1) : body).split("\n");
  return `|${chomp}\n${lines.map((l) => (l ? indent + l : "")).join("\n")}`;
}

function leaf(v: Value, indent: string): string | undefined {
  if (v === null) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") return literal(v, indent) ?? scalar(v);
  if (Array.isArray(v) && v.length === 0) return "[]";
  if (!Array.isArray(v) && Object.keys(v).length === 0) return "{}";
  return undefined;
}

function block(v: Value, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const l = leaf(item, `${indent}  `);
      if (l !== undefined) { out.push(`${indent}- ${l}`); continue; }
      const sub: string[] = [];
      block(item, `${indent}  `, sub);
      out.push(`${indent}- ${sub[0]!.slice(indent.length + 2)}`, ...sub.slice(1));
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, Value>)) {
    const key = scalar(k);
    const l = leaf(item, `${indent}  `);
    if (l !== undefined) out.push(`${indent}${key}: ${l}`);
    else { out.push(`${indent}${key}:`); block(item, `${indent}  `, out); }
  }
}

export function toYaml(value: unknown): string {
  const v = value as Value;
  const l = leaf(v, "");
  if (l !== undefined) return `${l}\n`;
  const out: string[] = [];
  block(v, "", out);
  return `${out.join("\n")}\n`;
}
