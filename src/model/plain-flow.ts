// Flow collections and scalars of the plain subset of YAML (src/model/plain-yaml.ts says which subset, and why).

/** Thrown at the first thing outside the subset; caught by plainData, which then returns undefined. */
export class Outside extends Error {}
export const outside = (): never => {
  throw new Outside("outside the plain subset");
};

/** A plain key: a name, not a word the core schema would read as something else, not __proto__. */
export const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
export const SPECIAL_KEY = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|__proto__)$/;
/** Characters that start something other than a plain scalar (or that the yaml package reads specially). */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Scalars the core schema reads as numbers: only plain decimal integers are taken here, the rest refused. */
const SMALL_INT = /^(?:0|[1-9][0-9]{0,14})$/;
const NUMERIC = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
];
/** Deeper nesting (columns, or brackets) is left to the yaml package and parseSource's own limits. */
export const MAX_DEPTH = 256;

/** A flow collection or quoted scalar that must take the whole of t. */
export function whole(t: string): unknown {
  const [v, end] = flowNode(t, 0, 0);
  return skipSpaces(t, end) === t.length ? v : outside();
}

function skipSpaces(t: string, p: number): number {
  while (t.charCodeAt(p) === 32) p++;
  return p;
}

/** One node of a flow collection starting at p (after spaces): its value and where it ends. */
function flowNode(t: string, p: number, depth: number): [unknown, number] {
  p = skipSpaces(t, p);
  const c = t[p];
  if ((c === "[" || c === "{") && depth >= MAX_DEPTH) outside();
  if (c === "[") return flowSeq(t, p + 1, depth + 1);
  if (c === "{") return flowMap(t, p + 1, depth + 1);
  if (c === "'" || c === '"') return quoted(t, p);
  let end = p;
  while (end < t.length && !isFlowIndicator(t.charCodeAt(end))) end++;
  return [plainScalar(t.slice(p, end).trimEnd()), end];
}

/** , [ ] { }: what ends a plain scalar inside a flow collection (by char code: the scan runs on every character of one). */
const isFlowIndicator = (c: number) => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;

function flowSeq(t: string, p: number, depth: number): [unknown[], number] {
  const a: unknown[] = [];
  p = skipSpaces(t, p);
  if (t[p] === "]") return [a, p + 1];
  for (;;) {
    const [v, end] = flowNode(t, p, depth);
    a.push(v);
    p = skipSpaces(t, end);
    if (t[p] === "]") return [a, p + 1];
    if (t[p] !== ",") outside();
    p = skipSpaces(t, p + 1);
    if (t[p] === "]") outside(); // a trailing comma
  }
}

function flowMap(t: string, p: number, depth: number): [Record<string, unknown>, number] {
  const m: Record<string, unknown> = {};
  p = skipSpaces(t, p);
  if (t[p] === "}") return [m, p + 1];
  for (;;) {
    const colon = t.indexOf(":", p);
    const key = colon < 0 ? outside() : t.slice(p, colon).trimEnd();
    if (!KEY.test(key) || SPECIAL_KEY.test(key) || t[colon + 1] !== " " || Object.hasOwn(m, key)) outside();
    const [v, end] = flowNode(t, colon + 1, depth);
    m[key] = v;
    p = skipSpaces(t, end);
    if (t[p] === "}") return [m, p + 1];
    if (t[p] !== ",") outside();
    p = skipSpaces(t, p + 1);
    if (t[p] === "}") outside(); // a trailing comma
  }
}

/** A quoted scalar on one line, without escapes: always a string. */
function quoted(t: string, p: number): [string, number] {
  const q = t[p]!;
  let value = "";
  let from = p + 1;
  for (;;) {
    const close = t.indexOf(q, from);
    if (close < 0) outside();
    value += t.slice(from, close);
    if (q === "'" && t[close + 1] === "'") {
      value += "'";
      from = close + 2;
      continue;
    }
    if (q === '"' && value.includes("\\")) outside();
    return [value, close + 1];
  }
}

/** A single-line plain scalar as the core schema reads it: null, a boolean, a decimal integer or a string. */
export function plainScalar(t: string): unknown {
  if (t === "" || INDICATOR.test(t) || t.includes(": ") || t.endsWith(":")) outside();
  const c = t.charCodeAt(0);
  if ((c >= 48 && c <= 57) || t[0] === "+" || t[0] === ".") {
    if (SMALL_INT.test(t)) return Number(t);
    if (NUMERIC.some((r) => r.test(t))) outside();
    return t;
  }
  if (/^(?:[Tt]rue|TRUE)$/.test(t)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(t)) return false;
  if (/^(?:~|[Nn]ull|NULL)$/.test(t)) return null;
  return t;
}
