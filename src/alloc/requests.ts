// What asks for an allocation (every `auto`), and what is already taken where it would be allocated:
// explicit addresses of the network and VRRP IDs of the L2 segment, which the allocator always respects.
import { AUTO, POOL_PURPOSES } from "../model/defaults.js";
import type { Path } from "../model/source.js";
import type { SiteDoc } from "../model/types.js";
import { parseAddress, type Addr, type Family } from "../net/cidr.js";
import { entryLabel } from "./lock.js";
import { claims } from "../validate/items.js";
import { segmentNames, segmentsOf } from "../validate/segments.js";

/** One `auto`: where it is written, where its lock entry lives, and which network or segment it draws from. */
export interface Request {
  kind: "address" | "vrid";
  label: string; // "management VIP of vrouter vrouter"
  docPath: Path; // the `auto` in the inventory
  lockPath: Path; // its entry in the lock
  pool: number; // network index (address) or segment number (vrid)
}

export interface Taken {
  label: string;
  value: bigint;
}
export interface PoolRange {
  name: string;
  from: Addr;
  to: Addr;
}

/** Every `auto` in inventory order: per router its VIPs, its members' addresses, then its VRRP ID. */
export function requests(doc: SiteDoc): Request[] {
  const out: Request[] = [];
  const netIndex = (name: string) => doc.networks.findIndex((n) => n.name === name);
  const seg = segmentsOf(doc);
  (doc.vrouters ?? []).forEach((v, i) => {
    const base = ["vrouters", v.name];
    for (const role of ["management", "public"] as const) {
      if (v[role].vip !== AUTO) continue;
      const lockPath = [...base, `${role}_vip`];
      out.push({ kind: "address", label: entryLabel(lockPath), docPath: ["vrouters", i, role, "vip"], lockPath, pool: netIndex(v[role].network) });
    }
    v.members.forEach((m, j) => {
      if (m.address !== AUTO) return;
      const lockPath = [...base, "members", m.host];
      const docPath = ["vrouters", i, "members", j, "address"];
      out.push({ kind: "address", label: entryLabel(lockPath), docPath, lockPath, pool: netIndex(v.management.network) });
    });
    if (v.ha?.manager === "keepalived" && v.ha.virtual_router_id === AUTO) {
      const lockPath = [...base, "virtual_router_id"];
      const docPath = ["vrouters", i, "ha", "virtual_router_id"];
      out.push({ kind: "vrid", label: entryLabel(lockPath), docPath, lockPath, pool: seg[netIndex(v.management.network)]! });
    }
  });
  return out;
}

/** Addresses of one family network i already gives out explicitly: gateway, statics, host addresses, routers' VIPs and members. */
export function takenAddresses(doc: SiteDoc, i: number, family: Family): Taken[] {
  const n = doc.networks[i]!;
  const out: Taken[] = claims(n, i)
    .filter((c) => c.role !== "range" && c.from.family === family)
    .map((c) => ({ label: c.label, value: c.from.value }));
  for (const v of doc.vrouters ?? []) {
    const written: Array<[string | undefined, string]> = [];
    for (const role of ["management", "public"] as const) if (v[role].network === n.name) written.push([v[role].vip, `${role} VIP of vrouter ${v.name}`]);
    if (v.management.network === n.name) v.members.forEach((m) => written.push([m.address, `${m.host}'s address in vrouter ${v.name}`]));
    for (const [text, label] of written) {
      const a = text && text !== AUTO ? parseAddress(text) : undefined;
      if (a?.family === family) out.push({ label: `${label} (${a.text})`, value: a.value });
    }
  }
  return out;
}

/** The ranges of one family of network i that auto draws from (purpose vip or reserved), lowest first. */
export function poolRanges(doc: SiteDoc, i: number, family: Family): PoolRange[] {
  const out: PoolRange[] = [];
  for (const r of doc.networks[i]!.ranges ?? []) {
    const from = parseAddress(r.from);
    const to = parseAddress(r.to);
    if (from?.family === family && to && POOL_PURPOSES.has(r.purpose ?? "")) out.push({ name: r.name, from, to });
  }
  return out.sort((a, b) => (a.from.value < b.from.value ? -1 : 1));
}

/** VRRP IDs segment s already carries: the networks' vrids_in_use and routers' written IDs. */
export function takenVrids(doc: SiteDoc, s: number): Taken[] {
  const seg = segmentsOf(doc);
  const out: Taken[] = [];
  doc.networks.forEach((n, i) => {
    if (seg[i] === s) for (const id of n.vrids_in_use ?? []) out.push({ label: `network ${n.name}'s vrids_in_use`, value: BigInt(id) });
  });
  for (const v of doc.vrouters ?? []) {
    const id = v.ha?.manager === "keepalived" ? v.ha.virtual_router_id : undefined;
    if (typeof id !== "number") continue;
    if (seg[doc.networks.findIndex((n) => n.name === v.management.network)] === s) out.push({ label: `vrouter ${v.name}`, value: BigInt(id) });
  }
  return out;
}

export const segmentText = (doc: SiteDoc, s: number): string => segmentNames(doc, segmentsOf(doc), s).join(", ");
