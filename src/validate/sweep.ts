/** A closed interval [from, to] with a payload. */
export interface Span<T> {
  from: bigint;
  to: bigint;
  item: T;
}

/**
 * Pairs of overlapping spans, found by sorting and sweeping (O(n log n), not all pairs).
 * Each span is reported once, against the earlier span that reaches furthest.
 */
export function overlaps<T>(spans: Array<Span<T>>): Array<[Span<T>, Span<T>]> {
  const sorted = [...spans].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  const out: Array<[Span<T>, Span<T>]> = [];
  let reach: Span<T> | undefined;
  for (const s of sorted) {
    if (reach && s.from <= reach.to) out.push([reach, s]);
    if (!reach || s.to > reach.to) reach = s;
  }
  return out;
}
