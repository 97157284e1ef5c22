// L2 segments of a site: networks that share an attachment (the same host bridge with the same VLAN,
// or both untagged) are one broadcast domain. VRRP router IDs and conntrackd sync channels must be
// unique per segment, not just per network.
import type { SiteDoc } from "../model/types.js";

/** Segment number of each network index (the lowest network index in its segment). */
export function segmentsOf(doc: SiteDoc): number[] {
  const parent = doc.networks.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  doc.networks.forEach((n, i) => {
    for (const a of n.attach ?? []) {
      const key = `${a.host}/${a.bridge}/${n.vlan ?? "untagged"}`;
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else {
        const [x, y] = [find(i), find(j)];
        parent[Math.max(x, y)] = Math.min(x, y);
      }
    }
  });
  return parent.map((_, i) => find(i));
}

/** Names of the networks in segment s, for messages. */
export const segmentNames = (doc: SiteDoc, seg: number[], s: number): string[] => doc.networks.filter((_, i) => seg[i] === s).map((n) => n.name);
