// The document's shape before it becomes data: a key that is a collection, nesting too deep to read
// recursively, and YAML aliases. Ordinary reuse works; an alias that names no anchor, one that contains itself, or one
// that multiplies the document (a "billion laughs" bomb) is refused as a located diagnostic before the
// document is turned into data, so neither the parser's exception nor an exhausted heap reaches the user.
import type { RuleCode } from "../diag/codes.js";
import { isAlias, isCollection, isPair, type Alias, type Document, type Node } from "yaml";

export interface AliasProblem {
  range: [number, number];
  message: string;
  help: string;
  code?: RuleCode;
}

/** Deeper than any inventory needs, shallow enough that no recursive reader runs out of stack. */
const MAX_DEPTH = 64;

/** Nodes the expanded document may hold: generous for reuse, far below what a bomb produces. */
const budget = (literal: number): number => 10 * literal + 10_000;

/** The first alias problem in doc, or undefined when expanding every alias is safe. */
export function aliasProblem(doc: Document): AliasProblem | undefined {
  const w = new Walk(doc);
  const expanded = w.size(doc.contents as Node | null, false, 0);
  if (w.problem) return w.problem;
  if (expanded > budget(w.literal)) {
    return {
      range: firstAlias(doc),
      message: `aliases expand this ${w.literal}-node document to ${expanded} nodes (more than ${budget(w.literal)})`,
      help: "this looks like an alias bomb; write the values out, or alias smaller parts fewer times",
    };
  }
  return undefined;
}

/** Counts the nodes of the document with every alias expanded, memoised per node, stopping at the first problem. */
class Walk {
  problem: AliasProblem | undefined;
  literal = 0;
  private sizes = new Map<unknown, number>();
  private active = new Set<unknown>();
  constructor(private doc: Document) {}

  size(n: unknown, viaAlias: boolean, depth: number): number {
    if (this.problem || n === null || n === undefined) return 0;
    if (depth > MAX_DEPTH) {
      this.problem = {
        code: "yaml-syntax",
        range: rangeOf(n),
        message: `values nested more than ${MAX_DEPTH} levels deep`,
        help: "an inventory nests a few levels; check the indentation and brackets",
      };
      return 0;
    }
    if (isAlias(n)) return this.alias(n, depth);
    if (!viaAlias) this.literal++;
    const known = this.sizes.get(n);
    if (known !== undefined && viaAlias) return known;
    this.active.add(n);
    let total = 1;
    if (isCollection(n)) for (const it of n.items) total += this.item(it, viaAlias, depth + 1);
    this.active.delete(n);
    this.sizes.set(n, total);
    return total;
  }

  private item(it: unknown, viaAlias: boolean, depth: number): number {
    if (!isPair(it)) return this.size(it, viaAlias, depth);
    if (isCollection(it.key)) {
      this.problem = {
        code: "yaml-syntax",
        range: rangeOf(it.key),
        message: "a key must be a plain word, not a list or mapping",
        help: "write 'key: value'; a '?' line starts a complex key",
      };
    }
    return this.size(it.key, viaAlias, depth) + this.size(it.value, viaAlias, depth);
  }

  private alias(n: Alias, depth: number): number {
    const target = n.resolve(this.doc);
    if (!target) {
      this.problem = {
        range: rangeOf(n),
        message: `alias *${n.source} names no anchor defined before it`,
        help: `define '&${n.source}' on an earlier value, or write the value out`,
      };
    } else if (this.active.has(target)) {
      this.problem = {
        range: rangeOf(n),
        message: `alias *${n.source} refers to the value that contains it (a value cannot include itself)`,
        help: "write the repeated part out instead of aliasing its parent",
      };
    }
    return this.problem ? 0 : this.size(target, true, depth);
  }
}

const rangeOf = (n: unknown): [number, number] => {
  const r = (n as Node).range;
  return [r?.[0] ?? 0, r?.[1] ?? 1];
};

function firstAlias(doc: Document): [number, number] {
  let found: [number, number] | undefined;
  const walk = (n: unknown): void => {
    if (found || !n) return;
    if (isAlias(n)) {
      found = rangeOf(n);
      return;
    }
    if (isCollection(n))
      for (const it of n.items) {
        if (isPair(it)) {
          walk(it.key);
          walk(it.value);
        } else walk(it);
      }
  };
  walk(doc.contents);
  return found ?? [0, 1];
}
