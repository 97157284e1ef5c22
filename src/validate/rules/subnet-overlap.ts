import type { Rule } from "../context.js";
import { overlaps, type Span } from "../sweep.js";

/** No two networks of a site share addresses. */
export const subnetOverlap: Rule = (ctx) => {
  for (const family of [4, 6] as const) {
    // a dual-stack network's IPv6 prefix (cidr6) counts like any other network's
    const spans: Array<Span<{ i: number; key: "cidr" | "cidr6"; text: string }>> = [];
    for (const [key, list] of [
      ["cidr", ctx.nets],
      ["cidr6", ctx.nets6],
    ] as const) {
      list.forEach((c, i) => {
        if (c?.family === family) spans.push({ from: c.first, to: c.last, item: { i, key, text: c.text } });
      });
    }
    for (const [a, b] of overlaps(spans)) {
      const na = ctx.doc.networks[a.item.i]!;
      const nb = ctx.doc.networks[b.item.i]!;
      ctx.report(
        ["networks", b.item.i, b.item.key],
        "subnet-overlap",
        `${b.item.text} overlaps network ${na.name} (${a.item.text})`,
        `give network ${nb.name} a range of its own`,
      );
    }
  }
};
