import type { Path } from "../../model/source.js";
import type { Rule, RuleContext } from "../context.js";

function unique(ctx: RuleContext, items: Array<{ name: string }>, base: Path, what: string): void {
  const first = new Map<string, number>();
  items.forEach((it, i) => {
    const prev = first.get(it.name);
    if (prev === undefined) first.set(it.name, i);
    else
      ctx.report(
        [...base, i, "name"],
        "duplicate-name",
        `${what} '${it.name}' is defined twice (first as entry ${prev + 1})`,
        `give each ${what} its own name`,
      );
  });
}

/** Hosts, networks, bridges per host, and ranges/statics per network are referred to by name: names must be unique. */
export const uniqueNames: Rule = (ctx) => {
  unique(ctx, ctx.doc.hosts, ["hosts"], "host");
  unique(ctx, ctx.doc.networks, ["networks"], "network");
  ctx.doc.hosts.forEach((h, i) => unique(ctx, h.bridges ?? [], ["hosts", i, "bridges"], "bridge"));
  ctx.doc.networks.forEach((n, i) => {
    unique(ctx, n.ranges ?? [], ["networks", i, "ranges"], "range");
    unique(ctx, n.statics ?? [], ["networks", i, "statics"], "static");
  });
};
