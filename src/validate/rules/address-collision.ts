import type { Rule } from "../context.js";
import { claims, type Claim } from "../items.js";
import { overlaps } from "../sweep.js";

/** Within a network, the gateway, statics, host addresses and ranges never claim the same address. */
export const addressCollision: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) => {
    const spans = claims(n, i).map((c) => ({ from: c.from.value, to: c.to.value, item: c, fam: c.from.family }));
    for (const family of [4, 6]) {
      for (const [a, b] of overlaps<Claim>(spans.filter((s) => s.fam === family))) {
        ctx.report(
          b.item.path,
          "address-collision",
          `${b.item.label} collides with ${a.item.label}`,
          "each address in a network has one owner: move one of them",
        );
      }
    }
  });
};
