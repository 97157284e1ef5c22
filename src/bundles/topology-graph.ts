// A small graph builder for the topology picture: nodes and subgraphs keyed by what they stand
// for, so that the summarized picture can merge everything of one kind by giving it one key.
// Ids are assigned in insertion order (deterministic for a sorted Site).

export type Shape = "box" | "round" | "stadium" | "circle";
const SHAPES: Record<Shape, [string, string]> = { box: ["[", "]"], round: ["(", ")"], stadium: ["([", "])"], circle: ["((", "))"] };

export interface MNode {
  id: string;
  label: string;
  open: string;
  close: string;
}
export interface MGroup {
  id: string;
  label: string;
  nodes: MNode[];
  inner: MGroup[];
}
export interface MEdge {
  from: string;
  to: string;
  label: string;
  dotted: boolean;
}

/** Mermaid label text: quotes and angle brackets as entities, lines joined by <br>. */
export const label = (...lines: string[]): string =>
  lines
    .filter(Boolean)
    .map((l) => l.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/`/g, "'"))
    .join("<br>");

export class Graph {
  private ids = new Map<string, string>();
  private groups = new Map<string, MGroup>();
  private nodes = new Map<string, MNode>();
  private edgeKeys = new Set<string>();
  readonly outside: MNode[] = [];
  readonly top: MGroup[] = [];
  readonly edges: MEdge[] = [];

  private id(key: string, prefix: string): string {
    let id = this.ids.get(key);
    if (!id) {
      id = `${prefix}${this.ids.size + 1}`;
      this.ids.set(key, id);
    }
    return id;
  }

  /** A subgraph, inside parent (a group key) or at the top level; created once per key. */
  group(key: string, text: string, parent?: string): string {
    const existing = this.groups.get(key);
    if (existing) return existing.id;
    const g: MGroup = { id: this.id(key, "g"), label: text, nodes: [], inner: [] };
    this.groups.set(key, g);
    (parent ? this.groups.get(parent)!.inner : this.top).push(g);
    return g.id;
  }

  /** A node, inside a group (by key) or outside every group; created once per key. */
  node(key: string, text: string, shape: Shape, group?: string): string {
    const existing = this.nodes.get(key);
    if (existing) return existing.id;
    const [open, close] = SHAPES[shape];
    const n: MNode = { id: this.id(key, "n"), label: text, open, close };
    this.nodes.set(key, n);
    (group ? this.groups.get(group)!.nodes : this.outside).push(n);
    return n.id;
  }

  /** An edge between two ids; the first of several between the same pair keeps its label. */
  edge(from: string, to: string, text = "", dotted = false): void {
    const key = `${from} ${to}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.edges.push({ from, to, label: text, dotted });
  }
}
