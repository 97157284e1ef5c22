import { parseAddress } from "../../net/cidr.js";
import type { Rule } from "../context.js";

/** A range runs from its lower to its higher address, within one family. */
export const rangeOrder: Rule = (ctx) => {
  ctx.doc.networks.forEach((n, i) =>
    (n.ranges ?? []).forEach((r, j) => {
      const from = parseAddress(r.from);
      const to = parseAddress(r.to);
      if (!from || !to) return;
      if (from.family !== to.family) {
        ctx.report(
          ["networks", i, "ranges", j, "to"],
          "range-mixed-family",
          `range ${r.name} mixes IPv${from.family} and IPv${to.family}`,
          "use two ranges, one per family",
        );
      } else if (from.value > to.value) {
        ctx.report(
          ["networks", i, "ranges", j, "to"],
          "range-reversed",
          `range ${r.name} ends (${to.text}) before it starts (${from.text})`,
          `swap them: from: ${to.text}, to: ${from.text}`,
        );
      }
    }),
  );
};
