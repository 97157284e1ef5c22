import type { Rule } from "../context.js";

/**
 * A host joins a network once: a second attachment (the same one repeated, or another bridge of the
 * same host) would give the host two addresses, units and checks for one network, which no target can express.
 */
export const attachOnce: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    const first = new Map<string, number>();
    (n.attach ?? []).forEach((a, j) => {
      const prev = first.get(a.host);
      if (prev === undefined) {
        first.set(a.host, j);
        return;
      }
      const other = n.attach![prev]!;
      const what =
        other.bridge === a.bridge
          ? `attachment ${prev + 1} already attaches it to ${a.bridge}`
          : `attachment ${prev + 1} already attaches it through bridge ${other.bridge}`;
      ctx.report(
        ["networks", i, "attach", j, "host"],
        "host-attached-twice",
        `host ${a.host} is attached to network ${n.name} twice: ${what}`,
        "keep one attachment per host and network; to join two bridges of one host, use two networks (e.g. one tagged with 'vlan')",
      );
    });
  });
};
