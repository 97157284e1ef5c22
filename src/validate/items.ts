import type { Path } from "../model/source.js";
import type { NetworkDoc } from "../model/types.js";
import { parseAddress, type Addr } from "../net/cidr.js";

export type Role = "gateway" | "static" | "address" | "range";

/** One address (or range) claimed inside a network, with where it was written. */
export interface Claim {
  role: Role;
  label: string; // e.g. "gateway 10.12.8.1", "static br-prov-api (10.12.8.40)"
  path: Path; // to the address value (ranges: to the range object)
  from: Addr;
  to: Addr;
}

export interface RawAddress {
  role: Role;
  label: string;
  path: Path;
  text: string;
}

/** Every address written in network i, before parsing. */
export function rawAddresses(n: NetworkDoc, i: number): RawAddress[] {
  const base: Path = ["networks", i];
  const out: RawAddress[] = [];
  if (n.gateway) out.push({ role: "gateway", label: "gateway", path: [...base, "gateway", "address"], text: n.gateway.address });
  if (n.gateway?.address6 !== undefined) out.push({ role: "gateway", label: "IPv6 gateway", path: [...base, "gateway", "address6"], text: n.gateway.address6 });
  (n.statics ?? []).forEach((s, j) => out.push({ role: "static", label: `static ${s.name}`, path: [...base, "statics", j, "address"], text: s.address }));
  (n.attach ?? []).forEach((a, j) => {
    if (a.address !== undefined) out.push({ role: "address", label: `${a.host}'s address`, path: [...base, "attach", j, "address"], text: a.address });
  });
  (n.ranges ?? []).forEach((r, j) => {
    out.push({ role: "range", label: `range ${r.name} start`, path: [...base, "ranges", j, "from"], text: r.from });
    out.push({ role: "range", label: `range ${r.name} end`, path: [...base, "ranges", j, "to"], text: r.to });
  });
  return out;
}

/** Parsed claims of network i: single addresses, plus each range as one span. Unparseable ones are left out. */
export function claims(n: NetworkDoc, i: number): Claim[] {
  const out: Claim[] = [];
  for (const r of rawAddresses(n, i)) {
    if (r.role === "range") continue;
    const a = parseAddress(r.text);
    if (a) out.push({ role: r.role, label: `${r.label} (${a.text})`, path: r.path, from: a, to: a });
  }
  (n.ranges ?? []).forEach((r, j) => {
    const from = parseAddress(r.from);
    const to = parseAddress(r.to);
    if (from && to && from.family === to.family && from.value <= to.value) {
      out.push({ role: "range", label: `range ${r.name} (${from.text}-${to.text})`, path: ["networks", i, "ranges", j], from, to });
    }
  });
  return out;
}
