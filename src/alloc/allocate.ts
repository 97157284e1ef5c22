// Allocation of every `auto`: locked values first (checked, never moved), then new ones, lowest free first.
// Deterministic: the same inventory and lock give the same answer on any machine. Stable: what the lock
// holds stays, whatever else changes in the inventory; what no longer fits is a diagnostic, never a move.
import type { RuleCode } from "../diag/codes.js";
import type { Diagnostic } from "../diag/diagnostic.js";
import type { Path, Source } from "../model/source.js";
import type { SiteDoc } from "../model/types.js";
import { format, parseAddress, reservedRole, type Cidr } from "../net/cidr.js";
import { objectName } from "../model/object-name.js";
import { EMPTY_LOCK, entryLabel, renderLock, type Lock, type LockEntry } from "./lock.js";
import { poolRanges, requests, segmentText, takenAddresses, takenVrids, type Request } from "./requests.js";

/** One allocation as REVIEW.md shows it. */
export interface Allocation {
  readonly what: string;
  readonly value: string;
  readonly generation: number;
  readonly fresh: boolean;
}

export type AllocResult = { ok: true; doc: SiteDoc; lockText?: string; allocations: Allocation[] } | { ok: false; diagnostics: Diagnostic[] };

const VRIDS = { first: 1n, last: 255n };
const key = (p: Path) => p.join("\u0000");

/** The allocator's working state: what is taken in each pool (network or segment), by whom. */
class Pools {
  private taken = new Map<string, Map<bigint, string>>();
  constructor(
    private doc: SiteDoc,
    private nets: Array<Cidr | undefined>,
  ) {}
  of(r: Request): Map<bigint, string> {
    const k = `${r.kind}/${r.pool}`;
    let m = this.taken.get(k);
    if (!m) {
      const list = r.kind === "vrid" ? takenVrids(this.doc, r.pool) : takenAddresses(this.doc, r.pool, this.nets[r.pool]!.family);
      m = new Map(list.map((t) => [t.value, t.label]));
      this.taken.set(k, m);
    }
    return m;
  }
}

interface Ctx {
  doc: SiteDoc;
  src: Source;
  lock: Lock;
  nets: Array<Cidr | undefined>;
  out: Diagnostic[];
  pools: Pools;
}

function report(c: Ctx, where: "doc" | "lock", path: Path, code: RuleCode, message: string, help: string): void {
  const s = where === "doc" ? c.src : c.lock.source!;
  c.out.push({ file: s.file, ...s.at(path), code, object: where === "doc" ? objectName(c.doc, path) : `vrouter ${String(path[1])}`, message, help });
}

/** The lock entry's value if it is one of r's kind: a VRRP ID 1-255, or an address of its network's family. */
function lockedValue(c: Ctx, r: Request, e: LockEntry): bigint | undefined {
  if (r.kind === "vrid") return Number.isInteger(e.value) && Number(e.value) >= 1 && Number(e.value) <= 255 ? BigInt(e.value) : undefined;
  const a = typeof e.value === "string" ? parseAddress(e.value) : undefined;
  return a && a.family === c.nets[r.pool]?.family ? a.value : undefined;
}

/** Whether a well-formed locked value no longer fits r (another owner has it, or its range shrank); reported at the lock entry. */
function lockConflicts(c: Ctx, r: Request, e: LockEntry, v: bigint): boolean {
  const shown = String(e.value);
  const holder = c.pools.of(r).get(v);
  if (holder) {
    report(
      c,
      "lock",
      e.path,
      "lock-collision",
      `${r.label}: the lock's ${shown} collides with ${holder}`,
      `one value has two owners (a hand edit?): change the other one in the inventory, or delete this entry so gen allocates ${r.label} anew`,
    );
    return true;
  }
  if (r.kind === "address" && !inPool(c, r.pool, v)) {
    const net = c.doc.networks[r.pool]!;
    report(
      c,
      "lock",
      e.path,
      "lock-outside-range",
      `${r.label}: the lock's ${shown} is no longer inside a vip or reserved range of network ${net.name}`,
      `widen the range to hold ${shown} again, or delete this entry to allocate anew (the address then moves: renumber what uses it)`,
    );
    return true;
  }
  return false;
}

/** A locked value for r: kept if it still fits, else a located lock diagnostic. */
function keepLocked(c: Ctx, r: Request, e: LockEntry): bigint | undefined {
  const v = lockedValue(c, r, e);
  if (v === undefined) {
    const kind = r.kind === "vrid" ? "a VRRP ID 1-255" : "an address of its network's family";
    report(
      c,
      "lock",
      e.path,
      "lock-invalid",
      `${r.label}: '${String(e.value)}' is not ${kind}`,
      "the lock is written by gen: restore the entry from version control, or delete it (gen then allocates anew)",
    );
    return undefined;
  }
  if (lockConflicts(c, r, e, v)) return undefined;
  c.pools.of(r).set(v, `${r.label} (locked)`);
  return v;
}

function inPool(c: Ctx, net: number, v: bigint): boolean {
  return poolRanges(c.doc, net, c.nets[net]!.family).some((p) => v >= p.from.value && v <= p.to.value);
}

/** The lowest free value for r, or a located error naming what is full. */
function allocateNew(c: Ctx, r: Request): bigint | undefined {
  const taken = c.pools.of(r);
  const net = r.kind === "address" ? c.nets[r.pool] : undefined;
  const spans =
    r.kind === "vrid"
      ? [{ name: "", from: VRIDS.first, to: VRIDS.last }]
      : poolRanges(c.doc, r.pool, net!.family).map((p) => ({ name: p.name, from: p.from.value, to: p.to.value }));
  for (const s of spans) {
    // Each step passes a taken (or reserved) value, so this ends within |taken| + 2 steps of a free one.
    for (let v = s.from; v <= s.to; v++) {
      if (taken.has(v) || (net && reservedRole(net, { family: net.family, value: v, text: "" }))) continue;
      taken.set(v, r.label);
      return v;
    }
  }
  fullError(
    c,
    r,
    spans.map((s) => s.name),
  );
  return undefined;
}

function fullError(c: Ctx, r: Request, names: string[]): void {
  if (r.kind === "vrid") {
    report(
      c,
      "doc",
      r.docPath,
      "alloc-vrid-full",
      `no free VRRP ID for ${r.label}: all of 1-255 are taken on the L2 segment of ${segmentText(c.doc, r.pool)}`,
      "free an ID on that segment (vrids_in_use, another router's virtual_router_id), or put the management leg on another segment",
    );
    return;
  }
  const net = c.doc.networks[r.pool]!;
  if (!names.length) {
    report(
      c,
      "doc",
      r.docPath,
      "alloc-no-range",
      `${r.label} is auto, but network ${net.name} has no range with purpose vip or reserved to allocate from`,
      `add a range (purpose: vip) to network ${net.name}, or write the address instead of auto`,
    );
  } else {
    const ranges = names.length > 1 ? `ranges ${names.join(", ")} of network ${net.name} are` : `range ${names[0]} of network ${net.name} is`;
    report(
      c,
      "doc",
      r.docPath,
      "alloc-range-full",
      `no free address for ${r.label}: ${ranges} full`,
      `widen range ${names[0]}, add another range with purpose vip or reserved, or write the address instead of auto`,
    );
  }
}

/** Replace every `auto` in a validated document; the lock text to keep, and what REVIEW.md shows. */
export function allocate(src: Source, nets: Array<Cidr | undefined>, lock: Lock = EMPTY_LOCK, site: string): AllocResult {
  const c: Ctx = { doc: src.data as SiteDoc, src, lock, nets, out: [], pools: new Pools(src.data as SiteDoc, nets) };
  const reqs = requests(c.doc);
  const locked = new Map(lock.entries.map((e) => [key(e.path), e]));
  const wanted = new Set(reqs.map((r) => key(r.lockPath)));
  for (const e of lock.entries) {
    if (wanted.has(key(e.path))) continue;
    report(
      c,
      "lock",
      e.path,
      "lock-stale",
      `the lock holds ${String(e.value)} for ${entryLabel(e.path)}, but nothing in the inventory asks for it with auto any more`,
      "a released member, removed router or value now written explicitly: delete this entry to release the value",
    );
  }
  const values = new Map<Request, { value: bigint; generation?: number }>();
  for (const r of reqs) {
    const e = locked.get(key(r.lockPath));
    const v = e ? keepLocked(c, r, e) : undefined;
    if (v !== undefined) values.set(r, { value: v, generation: e!.generation });
  }
  const fresh = reqs.filter((r) => !locked.has(key(r.lockPath)));
  const generation = lock.generation + (fresh.length ? 1 : 0);
  for (const r of fresh) {
    const v = allocateNew(c, r);
    if (v !== undefined) values.set(r, { value: v });
  }
  if (c.out.length) return { ok: false, diagnostics: c.out };
  return finish(c, reqs, values, generation, site);
}

function finish(c: Ctx, reqs: Request[], values: Map<Request, { value: bigint; generation?: number }>, generation: number, site: string): AllocResult {
  // the values go into a copy (the source's data stays as written); a site without auto needs none (a copy of the
  // 2,000-host site's document was about 25 ms, and garbage soon after)
  const doc = reqs.length ? structuredClone(c.doc) : c.doc;
  const entries: LockEntry[] = [];
  const allocations: Allocation[] = [];
  for (const r of reqs) {
    const { value, generation: g } = values.get(r)!;
    const text = r.kind === "vrid" ? Number(value) : format(c.nets[r.pool]!.family, value);
    setAt(doc, r.docPath, text);
    entries.push({ path: r.lockPath, value: text, generation: g ?? generation });
    allocations.push({ what: r.label, value: String(text), generation: g ?? generation, fresh: (g ?? generation) === generation });
  }
  if (!reqs.length && !c.lock.entries.length) return { ok: true, doc, allocations };
  return { ok: true, doc, allocations, lockText: renderLock(site, { generation, entries }) };
}

function setAt(doc: SiteDoc, path: Path, value: string | number): void {
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((n, s) => n[s] as Record<string | number, unknown>, doc as never);
  parent[path[path.length - 1]!] = value;
}
