// The part of a document whose shape is sound, so that semantic rules can run on it even when a wrong type or a
// missing key breaks the shape elsewhere: each broken object is cut out (a list element) or left out (an
// optional mapping), and rule findings are mapped back to where they are written in the file.
import type { Path } from "../model/source.js";

/** Lists whose elements are cut one by one; anything else broken inside a host or network cuts the whole of it. */
const ELEMENT_LISTS = new Set(["bridges", "attach", "ranges", "statics", "ports", "vrids_in_use"]);
/** Optional mappings left out whole when broken (a gateway: its network stays, gateway-less). */
const OPTIONAL_MAPS = new Set(["gateway", "forwarding"]);
/** Top-level keys the rules cannot do without. */
const REQUIRED = new Set(["site", "hosts", "networks"]);

export interface SoundPart {
  data: unknown;
  /** A path in data as the same value's path in the document. */
  toSource(path: Path): Path;
  /** The names (hosts, bridges, networks, routers) of what was cut: findings that they are missing are echoes (isEcho). */
  cutNames: Set<string>;
}

type Json = Record<string, unknown>;

/** Where a break at path is cut: the path of the element or key to leave out, or undefined if the rules cannot run. */
function cutPoint(path: Path): Path | undefined {
  const [top, i, key, j] = path;
  if (top === undefined || (REQUIRED.has(String(top)) && i === undefined)) return undefined;
  if (i === undefined || top === "vrouters" || typeof i !== "number") return path.slice(0, 2); // a router's parts depend on each other
  if (typeof key === "string" && ELEMENT_LISTS.has(key)) return typeof j === "number" ? path.slice(0, 4) : path.slice(0, 3);
  if (typeof key === "string" && OPTIONAL_MAPS.has(key)) return path.slice(0, 3);
  return path.slice(0, 2);
}

const nameOf = (v: unknown): string | undefined => {
  const o = v as Json | undefined;
  const n = typeof o === "object" && o !== null ? (o.name ?? o.host) : undefined;
  return typeof n === "string" ? n : undefined;
};

/** The sound part of data given the broken paths, or undefined when what is broken is the document's frame. */
export function soundPart(data: unknown, broken: Path[]): SoundPart | undefined {
  const cuts = new Set<string>();
  for (const p of broken) {
    const c = cutPoint(p);
    if (!c) return undefined;
    cuts.add(JSON.stringify(c));
  }
  const kept = new Map<string, number[]>(); // list path (document) -> the document indices it keeps, in order
  const cutNames = new Set<string>();
  const copy = (v: unknown, at: Path): unknown => {
    if (Array.isArray(v)) {
      const idx = v.map((_, k) => k).filter((k) => !cut(at, k, v[k]));
      kept.set(JSON.stringify(at), idx);
      return idx.map((k) => copy(v[k], [...at, k]));
    }
    if (typeof v !== "object" || v === null) return v;
    const o: Json = {};
    for (const [k, x] of Object.entries(v as Json)) if (!cut(at, k, x)) o[k] = copy(x, [...at, k]);
    return o;
  };
  const cut = (at: Path, k: string | number, v: unknown): boolean => {
    if (!cuts.has(JSON.stringify([...at, k]))) return false;
    const n = typeof k === "number" ? nameOf(v) : k === "gateway" ? nameOf(dataAt(data, at)) : undefined;
    if (n !== undefined) cutNames.add(n);
    return true;
  };
  return { data: copy(data, []), cutNames, toSource: (path) => toSource(path, kept) };
}

function dataAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((n, s) => (n as Json | undefined)?.[s as string], data);
}

function toSource(path: Path, kept: Map<string, number[]>): Path {
  const out: Array<string | number> = [];
  for (const seg of path) out.push(typeof seg === "number" ? (kept.get(JSON.stringify(out))?.[seg] ?? seg) : seg);
  return out;
}

/** Findings that say something a reference needs is missing: about a cut object, an echo of its schema error. */
const ECHO_CODES = new Set([
  "unknown-host",
  "unknown-bridge",
  "unknown-network",
  "gateway-not-attached",
  "vrouter-leg-unattached",
  "vrouter-no-gateway",
  "vrouter-primary-not-member",
]);

/** True when d says that a cut object is missing (it names one as a whole word; a name is letters, digits, '-' and '_'). */
export function isEcho(d: { code: string; message: string }, cutNames: Set<string>): boolean {
  return ECHO_CODES.has(d.code) && d.message.split(/[^A-Za-z0-9_-]+/).some((w) => cutNames.has(w));
}
