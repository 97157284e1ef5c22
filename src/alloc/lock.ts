// The lock file (inventories/<site>.lock.yaml): what `auto` received, kept so that it never moves.
// Read with positions (so a stale or colliding entry is a located diagnostic), written in one fixed form.
import type { Diagnostic } from "../diag/diagnostic.js";
import { parseSource, type Path, type Source } from "../model/source.js";

/** One allocation: where it sits in the lock (also its identity), its value, and the generation that made it. */
export interface LockEntry {
  path: Path;
  value: string | number;
  generation: number;
}

export interface Lock {
  generation: number;
  entries: LockEntry[];
  source?: Source;
}

export const EMPTY_LOCK: Lock = { generation: 0, entries: [] };

/** The value key of an entry: VRRP IDs are `id`, everything else `address`. */
export const valueKey = (path: Path): "id" | "address" => (path[path.length - 1] === "virtual_router_id" ? "id" : "address");

/** What an entry is for, in words: "management VIP of vrouter vr", "c1's address in vrouter vr". */
export function entryLabel(path: Path): string {
  const [, router, field, host] = path.map(String);
  if (field === "members") return `${host}'s address in vrouter ${router}`;
  if (field === "virtual_router_id") return `virtual_router_id of vrouter ${router}`;
  return `${field!.replace(/_vip$/, "")} VIP of vrouter ${router}`;
}

type Json = Record<string, unknown>;
const isMap = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const FIELDS = ["management_vip", "public_vip", "virtual_router_id"];

/** Parse a lock; shape problems come back as lock-invalid diagnostics located in the lock file. */
export function parseLock(text: string, file: string, site: string): { lock: Lock; errors: Diagnostic[] } {
  const { source, errors } = parseSource(text, file);
  if (errors.length) return { lock: EMPTY_LOCK, errors };
  const out: Diagnostic[] = [];
  const bad = (path: Path, message: string) =>
    out.push({
      file,
      ...source.at(path),
      code: "lock-invalid",
      object: "lock",
      message,
      help: "the lock is written by gen: restore it from version control, or delete the broken entry (gen then allocates it anew)",
    });
  const data = source.data;
  const entries: LockEntry[] = [];
  if (!isMap(data)) {
    bad([], "the lock file must be a mapping (site, generation, vrouters)");
    return { lock: EMPTY_LOCK, errors: out };
  }
  if (data.site !== site) bad(["site"], `the lock belongs to site '${String(data.site)}', not '${site}'`);
  const generation = Number.isInteger(data.generation) && (data.generation as number) >= 0 ? (data.generation as number) : -1;
  if (generation < 0) bad(["generation"], "'generation' must be a whole number");
  const entry = (path: Path, e: unknown) => {
    const key = valueKey(path);
    if (!isMap(e) || e[key] === undefined || !Number.isInteger(e.generation)) return bad(path, `each entry is { ${key}: ..., generation: N }`);
    entries.push({ path, value: e[key] as string | number, generation: e.generation as number });
  };
  for (const [name, r] of Object.entries(isMap(data.vrouters) ? data.vrouters : {})) {
    if (!isMap(r)) {
      bad(["vrouters", name], "each router is a mapping of its allocations");
      continue;
    }
    for (const [k, e] of Object.entries(r)) {
      if (k === "members" && isMap(e)) for (const [host, m] of Object.entries(e)) entry(["vrouters", name, "members", host], m);
      else if (FIELDS.includes(k)) entry(["vrouters", name, k], e);
      else bad(["vrouters", name, k], `unknown allocation '${k}' (known: ${[...FIELDS, "members"].join(", ")})`);
    }
  }
  return { lock: { generation: Math.max(0, generation), entries, source }, errors: out };
}

const ORDER = ["management_vip", "public_vip", "virtual_router_id", "members"];
const rank = (p: Path) => `${String(p[1])}\u0000${ORDER.indexOf(String(p[2]))}\u0000${String(p[3] ?? "")}`;

/** The lock's text: routers by name, then a fixed field order, members by host, so that diffs show only what changed. */
export function renderLock(site: string, lock: Lock): string {
  const lines = [
    `# What 'auto' received in ${site}.yaml beside this file: written by gen, committed and reviewed with the inventory.`,
    "# An entry never moves. Delete one only to release it: gen then allocates anew, and whatever used the",
    "# old value must be renumbered. 'generation' counts the gen runs that allocated something.",
    `site: ${site}`,
    `generation: ${lock.generation}`,
  ];
  const sorted = [...lock.entries].sort((a, b) => (rank(a.path) < rank(b.path) ? -1 : 1));
  if (sorted.length) lines.push("vrouters:");
  let router = "";
  let inMembers = false;
  for (const e of sorted) {
    const [, name, field, host] = e.path.map(String);
    if (name !== router) {
      lines.push(`  ${name}:`);
      router = name!;
      inMembers = false;
    }
    const value = `{ ${valueKey(e.path)}: ${e.value}, generation: ${e.generation} }`;
    if (field !== "members") {
      lines.push(`    ${field}: ${value}`);
      continue;
    }
    if (!inMembers) {
      lines.push("    members:");
      inMembers = true;
    }
    lines.push(`      ${host}: ${value}`);
  }
  return `${lines.join("\n")}\n`;
}
