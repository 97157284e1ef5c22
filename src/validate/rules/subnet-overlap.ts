import type { Rule } from "../context.js";
import { overlaps, type Span } from "../sweep.js";

/** No two networks of a site share addresses. */
export const subnetOverlap: Rule = (ctx) => {
  for (const family of [4, 6] as const) {
    const spans: Array<Span<number>> = [];
    ctx.nets.forEach((c, i) => { if (c?.family === family) spans.push({ from: c.first, to: c.last, item: i }); });
    for (const [a, b] of overlaps(spans)) {
      const na = ctx.doc.networks[a.item]!;
      const nb = ctx.doc.networks[b.item]!;
      ctx.report(["networks", b.item, "cidr"], "subnet-overlap", `${ctx.nets[b.item]!.text} overlaps network ${na.name} (${ctx.nets[a.item]!.text})`,
        `give network ${nb.name} a range of its own`);
    }
  }
};
