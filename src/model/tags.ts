import { isNode, visit, type Document } from "yaml";

/** Tags that only restate what plain YAML already reads (quoting by !!str included): sitegen's data is these kinds. */
const PLAIN = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * The first explicit tag sitegen would not honour (an unknown !foo is read as its plain value without a word;
 * !!binary, !!set or !!timestamp make values no rule expects), with its source range.
 */
export function foreignTag(doc: Document): { tag: string; range: [number, number] } | undefined {
  let found: { tag: string; range: [number, number] } | undefined;
  visit(doc, {
    Node(_, n) {
      if (!isNode(n) || n.tag === undefined || PLAIN.has(n.tag)) return undefined;
      const r = n.range ?? [0, 1];
      found = { tag: n.tag.replace(/^tag:yaml\.org,2002:/, "!!"), range: [r[0], r[1]] };
      return visit.BREAK;
    },
  });
  return found;
}
