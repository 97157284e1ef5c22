// The one YAML emitter: block style, keys in the order the view-model builds them, two-space
// indentation with sequences indented under their key, no anchors, no folding. Written by hand
// because the yaml package's stringify builds a node tree per value and dominated the time of a
// 2,000-host site; test/unit/render/yaml-emitter.test.ts checks that yaml's parser reads back the same data.

type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

/** YAML 1.1's booleans and null as words. */
const WORDS = "y Y n N yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split(" ");

/** Strings that YAML 1.1 or 1.2 would read as something else (numbers, booleans, null, dates, sexagesimals). */
const RESOLVES = new RegExp(
  `^(?:${[
    String.raw`[-+]?(?:\d[\d_]*)?(?:\.[\d_]*)?(?:[eE][-+]?\d+)?`, // decimal numbers (and the empty string)
    String.raw`0x[\da-fA-F_]+|0o[0-7_]+|0b[01_]+`,
    String.raw`[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`,
    ...WORDS,
    "~|<<",
    String.raw`[-+]?[\d_]+(?::[0-5]?\d)+(?:\.[\d_]*)?`, // sexagesimals (1:20)
    String.raw`\d{4}-\d\d?-\d\d?(?:[Tt ].*)?`, // dates
  ].join("|")})$`,
);
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`\s]|[-?:](?:\s|$))/;
const UNSAFE = /: |:$| #|[\t\n\r\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]|\s$/;
/** In flow style a plain scalar must not hold the flow indicators either. */
const FLOW_UNSAFE = /[,[\]{}]/;

/**
 * A name, a path or words of them (a letter or / first, then letters, digits, _ . / - and inner spaces) that is
 * not one of WORDS nor an exponent alone (e5): then none of the checks below can match, and most strings written
 * are such (the checks took a quarter of toYaml's time). A string that does not match here is still checked in full.
 */
const PLAIN_NAME = new RegExp(`^(?!(?:${WORDS.join("|")}|[eE][-+]?\\d+)$)[A-Za-z/](?:[\\w./ -]*[\\w./-])?$`);

/** Whether s can be written as a plain scalar (in a flow collection: inFlow) and read back as the same string. */
const plain = (s: string, inFlow: boolean): boolean =>
  PLAIN_NAME.test(s) || (s !== "" && !RESOLVES.test(s) && !INDICATOR.test(s) && !UNSAFE.test(s) && !(inFlow && FLOW_UNSAFE.test(s)));

const scalar = (s: string): string => (plain(s, false) ? s : JSON.stringify(s));

// a tab after a line's indentation is content in a literal block (YAML 1.2 and PyYAML read it back as is)
const NONPRINT = /[^\n\t\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/;

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

/** Whether toYaml writes this string as a literal block, line by line as it is (a multi-line word a reader can read). */
export const literalBlock = (s: string): boolean => literal(s, "") !== undefined;

function leaf(v: Value, indent: string): string | undefined {
  if (v === null) return "null";
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (typeof v === "string") return literal(v, indent) ?? scalar(v);
  if (Array.isArray(v) && v.length === 0) return "[]";
  if (!Array.isArray(v) && Object.keys(v).length === 0) return "{}";
  return undefined;
}

/** Anything not plain is double-quoted (JSON's escapes are YAML's). */
const flowScalar = (s: string): string => (plain(s, true) ? s : JSON.stringify(s));

/**
 * A value on one line, [a, b] and {k: v} nested as deep as it goes, or undefined as soon as it passes room
 * characters: most records of a host's steps do not fit, and writing each in full first was a third of toYaml's time.
 */
function flow(v: Value, room: number): string | undefined {
  if (v === null || typeof v !== "object") {
    const s = typeof v === "string" ? flowScalar(v) : String(v);
    return s.length <= room ? s : undefined;
  }
  const keys = Array.isArray(v) ? undefined : Object.keys(v);
  const items: Value[] = keys ? Object.values(v) : (v as Value[]);
  let text = "";
  for (let i = 0; i < items.length; i++) {
    const head = `${i ? ", " : ""}${keys ? `${flowScalar(keys[i]!)}: ` : ""}`;
    const item = flow(items[i]!, room - 2 - text.length - head.length);
    if (item === undefined) return undefined;
    text += head + item;
  }
  return keys ? `{${text}}` : `[${text}]`;
}

/** A list of records (actions) or of sentences (a string with a space) reads better an item a line: it stays in block style. */
const itemALine = (v: Value): boolean => Array.isArray(v) && v.some((x) => (typeof x === "string" && x.includes(" ")) || (x !== null && typeof x === "object"));

/** A collection's one-line form when the line (with its indent and key) fits in width; else undefined. */
const oneLine = (item: Value, lead: string, width: number): string | undefined => {
  if (width <= 0 || itemALine(item)) return undefined;
  const line = flow(item, width - lead.length);
  return line === undefined ? undefined : `${lead}${line}`;
};

function block(v: Value, indent: string, out: string[], width: number): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const l = leaf(item, `${indent}  `);
      if (l !== undefined) {
        out.push(`${indent}- ${l}`);
        continue;
      }
      const f = oneLine(item, `${indent}- `, width);
      if (f !== undefined) {
        out.push(f);
        continue;
      }
      const sub: string[] = [];
      block(item, `${indent}  `, sub, width);
      out.push(`${indent}- ${sub[0]!.slice(indent.length + 2)}`, ...sub.slice(1));
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, Value>)) {
    const key = scalar(k);
    const l = leaf(item, `${indent}  `) ?? oneLine(item, "", width - indent.length - key.length - 2);
    if (l !== undefined) out.push(`${indent}${key}: ${l}`);
    else {
      out.push(`${indent}${key}:`);
      block(item, `${indent}  `, out, width);
    }
  }
}

/**
 * YAML text of value. flowWidth (0: never): a list or map whose one-line flow form fits in that many
 * columns is written on one line (host_vars: an action a line), the rest in block style.
 */
export function toYaml(value: unknown, flowWidth = 0): string {
  const v = value as Value;
  const l = leaf(v, "");
  if (l !== undefined) return `${l}\n`;
  const out: string[] = [];
  block(v, "", out, flowWidth);
  return `${out.join("\n")}\n`;
}
