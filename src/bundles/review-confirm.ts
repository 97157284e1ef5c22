// REVIEW.md: per host, what each step disturbs (src/plan/disruption.ts) and the confirm window to use.
import { cutsSession, DISRUPTION_TEXT, hostDisruption, recommendedWindow, stepDisruption, type DisruptionContext, type Rated } from "../plan/disruption.js";
import type { Step } from "../plan/types.js";

const text = (r: Rated) => `${DISRUPTION_TEXT[r.cls]}${r.cls === "none" ? "" : `: ${r.why}`}`;

export function confirmVm(steps: readonly Step[], ctx: DisruptionContext) {
  const rows = steps.map((s) => {
    const d = stepDisruption(s, ctx);
    return { id: s.id, phase: s.phase, apply: text(d.apply), inverse: text(d.inverse), cuts: cutsSession(d.apply.cls) || cutsSession(d.inverse.cls) };
  });
  const worst = hostDisruption(steps, ctx);
  return {
    rows,
    worst: { apply: DISRUPTION_TEXT[worst.apply.cls], inverse: DISRUPTION_TEXT[worst.inverse.cls] },
    cutting: rows.filter((r) => r.cuts).map((r) => r.id),
    window: recommendedWindow(steps.length),
  };
}
