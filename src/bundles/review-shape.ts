// REVIEW.md at scale: hosts whose runbooks are the same text once their own names and addresses are
// masked out share one section, with a table of the values that differ. Grouping is lossless: a host's
// runbook is exactly its group's masked text with its own values put back (test/unit/bundles/review-scale.test.ts).
import type { Host, Site } from "../resolve/site.js";

/** A host-specific value: `column` names the table column it is shown in (none: implied by another, e.g. a gateway's bare address). */
export interface Slot {
  value: string;
  column?: string;
}

export interface Shape {
  /** The hosts alike, in the order the site runs them. */
  hosts: string[];
  /** Table columns besides the host: its management address, then the slot columns whose values differ between the hosts. */
  columns: string[];
  /** Per host, one cell per column. */
  rows: Array<{ host: string; cells: string[] }>;
  /** The first host's runbook. */
  text: string;
}

/** The values of a host its runbook may name: the structure around them decides the shape. */
export function slotsOf(site: Site, h: Host): Slot[] {
  const out: Slot[] = [
    { value: h.name, column: "host" },
    { value: h.management, column: "management" },
  ];
  for (const b of h.bridges) {
    out.push({ value: b.name, column: "bridges" }, ...(b.libvirtNetwork ? [{ value: b.libvirtNetwork, column: "libvirt networks" }] : []));
  }
  for (const g of h.gateways) {
    out.push(
      { value: g.ifname, column: "sub-interfaces" },
      { value: g.network, column: "networks" },
      { value: g.ifaddr, column: "gateways" },
      { value: g.address },
      { value: g.cidr },
      { value: g.unit, column: "units" },
    );
    if (g.dual) out.push({ value: g.dual.ifaddr, column: "gateways" }, { value: g.dual.address }, { value: g.dual.cidr });
    out.push(...g.testTargets.map((t) => ({ value: t, column: "other addresses" })));
  }
  for (const c of h.checked) {
    out.push({ value: c.network, column: "networks" }, { value: c.ifaddr, column: "gateways" }, { value: c.address }, { value: c.cidr });
  }
  for (const v of site.vrouters) {
    const m = v.members.find((x) => x.host === h.name);
    if (m?.address) out.push({ value: m.address, column: "router addresses" });
    if (m && v.ha) out.push({ value: String(m.priority), column: "failover priority" });
    const n = v.nodes.find((x) => x.host === h.name);
    if (n) out.push({ value: n.address, column: "router addresses" });
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const MARK = "\u0000";

/** The text with each slot value (whole words only, longest first) replaced by its slot's index. */
export function masked(text: string, slots: Slot[]): string {
  const index = new Map<string, number>();
  slots.forEach((s, i) => {
    if (s.value && !index.has(s.value)) index.set(s.value, i);
  });
  if (!index.size) return text;
  const alts = [...index.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join("|");
  // not part of a longer name or address (br0 in br0.100, 10.0.0.1 in 10.0.0.10); a hyphen may join it (persist-n2-gw.service)
  const re = new RegExp(`(?<![\\w.:])(?:${alts})(?![\\w:]|\\.\\w)`, "g");
  return text.replace(re, (v) => `${MARK}${index.get(v)}${MARK}`);
}

/** Puts a host's values back into a masked text (the inverse of masked for that host). */
export const filled = (mask: string, slots: Slot[]): string => mask.replace(new RegExp(`${MARK}(\\d+)${MARK}`, "g"), (_, i: string) => slots[Number(i)]!.value);

interface Member {
  host: string;
  slots: Slot[];
}

/** Hosts alike: the first one's runbook and its mask stand for all. */
interface Group {
  text: string;
  mask: string;
  members: Member[];
}

/** The table of one group: the columns of the slots its mask uses whose values differ between its hosts. */
function table({ text, mask, members }: Group): Shape {
  const used = [...new Set([...mask.matchAll(new RegExp(`${MARK}(\\d+)${MARK}`, "g"))].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const varies = used.filter((i) => members[0]!.slots[i]!.column && members.some((m) => m.slots[i]!.value !== members[0]!.slots[i]!.value));
  // the host's name and management address (slots 0 and 1) always; then what its runbook names differently
  const shown = [1, ...varies.filter((i) => i > 1)];
  const columns = [...new Set(shown.map((i) => members[0]!.slots[i]!.column!))];
  const rows = members.map((m) => ({
    host: m.host,
    cells: columns.map((c) => [...new Set(shown.filter((i) => m.slots[i]!.column === c).map((i) => m.slots[i]!.value))].join(", ")),
  }));
  return { hosts: members.map((m) => m.host), columns, rows, text };
}

/**
 * Hosts grouped by the masked text of their runbooks; groups in the order of their first host.
 * `hosts` is read one at a time and only a group's first runbook is kept: the others (~9 KB each, 2,000 on the
 * 2,000-host site) are garbage once masked. Not a Map keyed by the mask: V8 hashes a key's whole text, ~50 ms
 * for those 2,000. A mask is compared (a memcmp) only with the groups whose slots have the same columns and whose masks are as long.
 */
export function shapes(hosts: Iterable<{ host: string; slots: Slot[]; text: string }>): Shape[] {
  const alike = new Map<string, Group[]>();
  const groups: Group[] = [];
  for (const { host, slots, text } of hosts) {
    const mask = masked(text, slots);
    const key = `${mask.length}\n${slots.map((s) => s.column ?? "").join("\n")}`;
    const candidates = alike.get(key) ?? alike.set(key, []).get(key)!;
    const g = candidates.find((c) => c.mask === mask);
    if (g) g.members.push({ host, slots });
    else {
      const fresh = { text, mask, members: [{ host, slots }] };
      candidates.push(fresh);
      groups.push(fresh);
    }
  }
  return groups.map(table);
}
