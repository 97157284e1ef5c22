import { isMap, isSeq, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Diagnostic } from "../diag/diagnostic.js";

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

/** Parse YAML keeping positions. Syntax and duplicate-key problems come back as diagnostics. */
export function parseSource(text: string, file: string): { source: Source; errors: Diagnostic[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number, end: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col, length: Math.max(1, end - offset) };
  };
  // After the first syntax error the parser's later complaints are mostly echoes of it; duplicate keys are each real.
  const firstSyntax = doc.errors.find((e) => !(e.code in YAML_CODES));
  const kept = doc.errors.filter((e) => e.code in YAML_CODES || e === firstSyntax);
  const errors: Diagnostic[] = kept.map((e) => {
    const [start, end] = e.pos;
    const code = YAML_CODES[e.code] ?? "yaml-syntax";
    const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return {
      file, ...pos(start, end), code, object: "", message,
      help: code === "duplicate-key" ? "each key may appear once per mapping; delete or merge the repeated one" : "fix the YAML syntax at this position",
    };
  });
  const source: Source = {
    file, text, data: errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }),
    at(path, key = false) {
      const r = findRange(doc, path, key);
      return pos(r[0], r[1]);
    },
  };
  return { source, errors };
}

function findRange(doc: Document, path: Path, wantKey: boolean): [number, number] {
  let node: unknown = doc.contents;
  let range: [number, number] = rangeOf(node) ?? [0, 1];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) { next = pair.value; keyNode = pair.key; }
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg];
    }
    if (next === undefined && keyNode === undefined) break;
    const last = i === path.length - 1;
    const r = last && wantKey ? rangeOf(keyNode) : rangeOf(next) ?? rangeOf(keyNode);
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
