// The plain data of an inventory written in the common subset of YAML, without the yaml package's document.
//
// Why: on the 2,000-host synthetic site, parseDocument (every node with its range, kept for diagnostics) was
// about 0.9 s of a 3.7 s compile, and its document (about 50 MB live, 100 MB of garbage) most of the GC time.
// Positions are needed only when a diagnostic is reported, so parseSource reads the data with this first and
// parses the document only when a position is asked for (src/model/source.ts).
//
// The rule that keeps the output and every diagnostic unchanged: this returns undefined (and the yaml package
// reads the text, as before) for anything it does not handle exactly as the yaml package does (YAML 1.2, core
// schema, toJS): it accepts block mappings and sequences, single-line flow collections, single-line plain and
// quoted scalars (no escapes), a mapping value's >, >-, | or |- text in lines of one indentation (the seeds'
// descriptions), and comments; it refuses anchors, aliases, tags, other block scalars, multi-line plain or quoted
// scalars, directives and document markers, duplicate keys, keys other than plain names, tabs and control
// characters, and any scalar whose type it would have to guess (numbers other than plain decimal integers).
// test/unit/model/plain-yaml.test.ts compares it with the yaml package on every inventory the tests use.

import { KEY, MAX_DEPTH, Outside, outside, plainScalar, SPECIAL_KEY, whole } from "./plain-flow.js";

/** A line with content: its indentation, its text without comment and trailing spaces, and its index in the text's lines. */
interface Line {
  indent: number;
  text: string;
  raw: number;
}

/** Tabs, control characters, line separators, a byte-order mark or U+FFFD: left to the yaml package and its diagnostics. */
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffd]/;

/** The document's data, exactly as the yaml package's toJS would give it, or undefined when the text is outside the subset. */
export function plainData(text: string): { data: unknown } | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    const raw = text.split("\n");
    const lines = contentLines(raw);
    if (!lines.length) return undefined;
    const p = new BlockParser(lines, raw);
    const data = p.block(lines[0]!.indent);
    return p.done() ? { data } : undefined;
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}

/** Lines that hold content: indentation counted, comments and trailing spaces removed. */
function contentLines(rawLines: string[]): Line[] {
  const out: Line[] = [];
  for (let n = 0; n < rawLines.length; n++) {
    const raw = rawLines[n]!;
    const hash = commentAt(raw);
    const body = (hash < 0 ? raw : raw.slice(0, hash)).trimEnd();
    let indent = 0;
    while (indent < body.length && body.charCodeAt(indent) === 32) indent++;
    if (indent === body.length) continue;
    if (indent === 0 && (body.startsWith("---") || body.startsWith("...") || body[0] === "%")) outside();
    out.push({ indent, text: body.slice(indent), raw: n });
  }
  return out;
}

/** Where a comment starts (a '#' first or after a space), or -1; refused when a quote comes before it (it could be inside one). */
function commentAt(raw: string): number {
  let at = raw.indexOf("#");
  while (at > 0 && raw.charCodeAt(at - 1) !== 32) at = raw.indexOf("#", at + 1);
  if (at > 0 && /['"]/.test(raw.slice(0, at))) outside();
  return at;
}

const BLOCK_SCALAR = /^[>|]-?$/;

const leadOf = (t: string) => t.length - t.trimStart().length;
const isDash = (t: string) => t === "-" || t.startsWith("- ");

/** `key: rest` or `key:`: the key and what follows it; undefined when the line is no mapping entry. */
function splitKey(t: string): { key: string; rest: string } | undefined {
  const sep = t.indexOf(": ");
  const at = sep >= 0 ? sep : t.endsWith(":") ? t.length - 1 : -1;
  if (at < 0) return undefined;
  const key = t.slice(0, at);
  if (!KEY.test(key) || SPECIAL_KEY.test(key)) outside();
  return { key, rest: t.slice(at + 1).trimStart() };
}

class BlockParser {
  private i = 0;
  constructor(
    private readonly lines: Line[],
    private readonly raw: string[],
  ) {}

  done(): boolean {
    return this.i === this.lines.length;
  }

  /** The block node whose first line is the current one, at that line's indentation. */
  block(indent: number): unknown {
    if (indent > MAX_DEPTH) outside(); // each level is at least a column deeper: recursion stays bounded
    return isDash(this.lines[this.i]!.text) ? this.seq(indent) : this.map(indent);
  }

  private map(indent: number): Record<string, unknown> {
    const m: Record<string, unknown> = {};
    for (let l = this.lines[this.i]; l && l.indent >= indent; l = this.lines[this.i]) {
      if (l.indent > indent || isDash(l.text)) outside();
      const entry = splitKey(l.text) ?? outside();
      if (Object.hasOwn(m, entry.key)) outside(); // the yaml package reports a duplicate key: let it
      this.i++;
      m[entry.key] =
        entry.rest === ""
          ? this.below(indent, true)
          : BLOCK_SCALAR.test(entry.rest)
            ? this.blockScalar(entry.rest, l, indent)
            : this.inline(entry.rest, indent);
    }
    return m;
  }

  private seq(indent: number): unknown[] {
    const a: unknown[] = [];
    for (let l = this.lines[this.i]; l && l.indent >= indent && isDash(l.text); l = this.lines[this.i]) {
      if (l.indent > indent) outside();
      const rest = l.text.slice(1).trimStart();
      if (rest === "") {
        this.i++;
        a.push(this.below(indent, false));
        continue;
      }
      if (isDash(rest)) outside();
      if (!/^[[{'"]/.test(rest) && splitKey(rest)) {
        // `- key: value` opens a mapping at the key's column: read this line again as its first entry
        const col = indent + l.text.length - rest.length;
        this.lines[this.i] = { indent: col, text: rest, raw: l.raw };
        a.push(this.map(col));
        continue;
      }
      this.i++;
      a.push(this.inline(rest, indent));
    }
    const next = this.lines[this.i];
    if (next && next.indent > indent) outside();
    return a;
  }

  /** The value of `key:` or `-` with nothing after it: the more indented block below, a sequence at a key's own indentation, or null. */
  private below(indent: number, ofKey: boolean): unknown {
    const next = this.lines[this.i];
    if (next && next.indent > indent) return this.block(next.indent);
    if (next && ofKey && next.indent === indent && isDash(next.text)) return this.seq(indent);
    return null;
  }

  /**
   * `key: >-` (or >, |, |-) and its text: only lines of one indentation, none blank between them, no trailing spaces,
   * and a line break after the last (the rules for the rest, more-indented lines and blank ones, are the yaml package's).
   */
  private blockScalar(header: string, keyLine: Line, indent: number): string {
    const raw = this.raw;
    const col = leadOf(raw[keyLine.raw + 1] ?? "");
    const body: string[] = [];
    let r = keyLine.raw + 1;
    for (; r < raw.length && raw[r] !== ""; r++) {
      const t = raw[r]!;
      if (t.trim() === "") outside(); // a line of spaces: what it adds is the yaml package's to say
      if (leadOf(t) <= indent) break;
      if (leadOf(t) !== col || t !== t.trimEnd()) outside();
      body.push(t.slice(col));
    }
    if (!body.length || r === raw.length) outside(); // no text, or no line break after it
    const end = r;
    while (raw[r] === "") r++;
    if (r < raw.length && (raw[r]!.trim() === "" || leadOf(raw[r]!) > indent)) outside(); // blank lines inside the text
    while (this.lines[this.i] && this.lines[this.i]!.raw < end) this.i++;
    return body.join(header[0] === ">" ? " " : "\n") + (header.endsWith("-") ? "" : "\n");
  }

  /** A value on its key's (or dash's) line; a more indented line after it would continue it, which is left to the yaml package. */
  private inline(t: string, indent: number): unknown {
    const v = t[0] === "[" || t[0] === "{" || t[0] === "'" || t[0] === '"' ? whole(t) : plainScalar(t);
    const next = this.lines[this.i];
    if (next && next.indent > indent) outside();
    return v;
  }
}
