import type { RuleCode } from "../diag/codes.js";
import { isAlias, isCollection, isMap, isSeq, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic } from "../diag/diagnostic.js";
import { aliasProblem } from "./aliases.js";
import { objectName } from "./object-name.js";
import { plainData } from "./plain-yaml.js";
import { foreignTag } from "./tags.js";

export type Path = ReadonlyArray<string | number>;

/** A parsed inventory that can turn a data path back into a file position. */
export interface Source {
  file: string;
  text: string;
  data: unknown;
  /** Position of the value (or, with key=true, the key) at path; falls back to the nearest ancestor. */
  at(path: Path, key?: boolean): { line: number; col: number; length: number };
}

const YAML_CODES: Record<string, string> = { DUPLICATE_KEY: "duplicate-key" };

/**
 * Parse YAML; positions come from the yaml package's document. Syntax, duplicate-key and alias problems come
 * back as diagnostics. Text in the plain subset (src/model/plain-yaml.ts: what the inventories are written in)
 * is read as data alone, and the document, which is slow to build and large, is parsed only when a diagnostic
 * asks for a position: the same positions, from the same parse, but a valid site never pays for them.
 */
export function parseSource(written: string, file: string): { source: Source; errors: Diagnostic[] } {
  // A byte-order mark is no character of the first line: columns count from after it, as an editor shows them
  const text = written.startsWith("\uFEFF") ? written.slice(1) : written;
  const deep = tooDeep(text);
  if (deep) return deep(file);
  const plain = plainData(text);
  if (!plain) return positioned(text, file);
  let full: Source | undefined;
  const source: Source = { file, text, data: plain.data, at: (path, key) => (full ??= positioned(text, file).source).at(path, key) };
  return { source, errors: [] };
}

/** The yaml package's document: every node with its range, and the problems it found. */
function positioned(text: string, file: string): { source: Source; errors: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, logLevel: "error" });
  const pos: Locate = (offset, end) => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col, length: Math.max(1, end - offset) };
  };
  const errors = parserErrors(doc, text, file, pos);
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    // binary input: the parser's complaints about it would only confuse
    errors.splice(0, errors.length, {
      file,
      ...pos(nul, nul + 1),
      code: "yaml-syntax",
      object: "",
      message: "a NUL byte: this is not a text file",
      help: "an inventory is UTF-8 YAML text; check that the right file is named",
    });
  }
  const notText = errors.length ? undefined : (notUtf8(text) ?? tagged(doc));
  if (notText) errors.push({ file, ...pos(...notText.range), code: "yaml-syntax", object: "", message: notText.message, help: notText.help });
  const alias = errors.length ? undefined : aliasProblem(doc);
  if (alias) errors.push({ file, ...pos(...alias.range), code: alias.code ?? "yaml-alias", object: "", message: alias.message, help: alias.help });
  const source: Source = {
    file,
    text,
    data: errors.length ? undefined : doc.toJS({ maxAliasCount: -1 }), // aliasProblem bounded the expansion
    at(path, key = false) {
      const r = findRange(doc, path, key);
      return pos(r[0], r[1]);
    },
  };
  return { source, errors };
}

/** A text range's position: line and column of its start, and its length (at least 1, so a caret shows). */
type Locate = (offset: number, end: number) => { line: number; col: number; length: number };

/** The parser's own complaints: every duplicate key, and the first syntax error only (the later ones are mostly echoes of it). */
function parserErrors(doc: Document, text: string, file: string, pos: Locate): Diagnostic[] {
  const firstSyntax = doc.errors.find((e) => !(e.code in YAML_CODES));
  const kept = doc.errors.filter((e) => e.code in YAML_CODES || e === firstSyntax);
  return kept.map((e) => {
    const [start, end] = e.pos;
    if (e.code === "DUPLICATE_KEY") {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*[^:\s])/.exec(text.slice(start))?.[0] ?? text.slice(start, end);
      return { file, ...pos(start, start + key.length), ...duplicateKey(doc, key.replace(/^["']|["']$/g, ""), start) };
    }
    return { file, ...pos(start, end), object: "", ...syntaxProblem(e.code, e.message) };
  });
}

/** U+FFFD is what reading bytes that are not UTF-8 leaves: they would reach the scripts as replacement characters. */
function notUtf8(text: string): { range: [number, number]; message: string; help: string } | undefined {
  const at = text.indexOf("\uFFFD");
  return at < 0
    ? undefined
    : {
        range: [at, at + 1],
        message: "bytes that are not UTF-8 (or a U+FFFD replacement character)",
        help: "an inventory is UTF-8 text: convert it (e.g. iconv -f latin1 -t utf-8) and check the characters here",
      };
}

function tagged(doc: Document): { range: [number, number]; message: string; help: string } | undefined {
  const t = foreignTag(doc);
  return (
    t && {
      range: t.range,
      message: `YAML tag ${t.tag}: sitegen reads plain values and would ignore or misread it`,
      help: "remove the tag; quote the value if it must stay a string",
    }
  );
}

/**
 * Nesting the parser would recurse through too deeply (in block style its stack overflow escapes it, in flow
 * style where it overflows depends on the stack left): refuse it first, at a position that does not vary.
 */
function tooDeep(text: string): ((file: string) => { source: Source; errors: Diagnostic[] }) | undefined {
  const lines = text.split("\n");
  // a line no longer than the limit cannot be indented past it: the regex runs only on the few that are
  const i = lines.findIndex((l) => l.length > MAX_INDENT && (/^[\s?:-]*/.exec(l)?.[0].length ?? 0) > MAX_INDENT);
  const at = i >= 0 ? { line: i + 1, col: 1, what: `indented more than ${MAX_INDENT} columns`, help: "check the indentation" } : deepBracket(lines);
  if (!at) return undefined;
  return (file) => ({
    source: { file, text, data: undefined, at: () => ({ line: at.line, col: at.col, length: 1 }) },
    errors: [
      { file, line: at.line, col: at.col, length: 1, code: "yaml-syntax", object: "", message: at.what, help: `an inventory nests a few levels; ${at.help}` },
    ],
  });
}

/** The first '[' or '{' nested more than MAX_BRACKETS deep, outside quotes and comments (a close approximation). */
function deepBracket(lines: string[]): { line: number; col: number; what: string; help: string } | undefined {
  let depth = 0;
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n]!;
    for (let c = 0; c < l.length; c++) {
      const ch = l[c]!;
      if (ch === "#" && (c === 0 || /\s/.test(l[c - 1]!))) break;
      if (ch === "'" || ch === '"') {
        const end = l.indexOf(ch, c + 1);
        c = end < 0 ? l.length : end;
        continue;
      }
      if (ch === "[" || ch === "{") depth++;
      else if ((ch === "]" || ch === "}") && depth > 0) depth--;
      if (depth > MAX_BRACKETS) return { line: n + 1, col: c + 1, what: `brackets nested more than ${MAX_BRACKETS} deep`, help: "check the brackets" };
    }
  }
  return undefined;
}
const MAX_INDENT = 256;
const MAX_BRACKETS = 64;

function syntaxProblem(code: string, raw: string): { code: RuleCode; message: string; help: string } {
  if (code === "MULTIPLE_DOCS") {
    return {
      code: "yaml-syntax",
      message: "a second YAML document starts here; an inventory is one document",
      help: "remove this '---' line and merge what follows into the document above, or move it to its own file",
    };
  }
  const message = raw.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  return { code: "yaml-syntax", message, help: "fix the YAML syntax at this position" };
}

/** Name the repeated key and the mapping that holds it (the document is still readable as data). */
function duplicateKey(doc: Document, key: string, start: number): { code: RuleCode; object: string; message: string; help: string } {
  const path = pathAt(doc, start);
  const object = objectName(aliasProblem(doc) ? undefined : doc.toJS({ maxAliasCount: -1 }), path);
  return {
    code: "duplicate-key",
    object,
    message: `key '${key}' appears twice in this mapping`,
    help: "each key may appear once per mapping; delete or merge the repeated one",
  };
}

/** Data path of the innermost collection that contains offset. */
function pathAt(doc: Document, offset: number): Path {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isCollection(p.value) && inside(p.value, offset));
      if (pair && isScalar(pair.key)) {
        path.push(String(pair.key.value));
        next = pair.value;
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => isCollection(it) && inside(it, offset));
      if (i >= 0) {
        path.push(i);
        next = node.items[i];
      }
    }
    if (next === undefined) return path;
    node = next;
  }
}

const inside = (n: unknown, offset: number): boolean => {
  const r = (n as Node).range;
  return !!r && r[0] <= offset && offset < r[1];
};

function findRange(doc: Document, path: Path, wantKey: boolean): [number, number] {
  let node: unknown = doc.contents;
  let range: [number, number] = rangeOf(node) ?? [0, 1];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let next: unknown;
    let keyNode: unknown;
    if (isAlias(node)) node = node.resolve(doc); // point into the anchored value the data came from
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) {
        next = pair.value;
        keyNode = pair.key;
      }
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg];
    }
    if (next === undefined && keyNode === undefined) break;
    const last = i === path.length - 1;
    const r = last && wantKey ? rangeOf(keyNode) : (rangeOf(next) ?? rangeOf(keyNode));
    if (r) range = r;
    node = next;
  }
  return range;
}

function rangeOf(n: unknown): [number, number] | undefined {
  const r = (n as Node | undefined)?.range;
  if (!r) return undefined;
  // Collections span to their end; underline only the first line's worth.
  return [r[0], isScalar(n) ? r[1] : r[0] + 1];
}
