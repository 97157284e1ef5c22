// REVIEW.md: per host, what each step disturbs (src/plan/disruption.ts) and the confirm window to use.
import { cutsSession, DISRUPTION_TEXT, recommendedWindow, stepDisruption, worstOf, type DisruptionContext, type Rated } from "../plan/disruption.js";
import type { Step } from "../plan/types.js";

const text = (r: Rated) => `${DISRUPTION_TEXT[r.cls]}${r.cls === "none" ? "" : `: ${r.why}`}`;

export function confirmVm(steps: readonly Step[], ctx: DisruptionContext) {
  // each step rated once: the rows and the host's worst
  const rated = steps.map((s) => stepDisruption(s, ctx));
  const rows = steps.map((s, i) => {
    const d = rated[i]!;
    return { id: s.id, phase: s.phase, apply: text(d.apply), inverse: text(d.inverse), cuts: cutsSession(d.apply.cls) || cutsSession(d.inverse.cls) };
  });
  const worst = worstOf(rated);
  return {
    rows,
    worst: { apply: DISRUPTION_TEXT[worst.apply.cls], inverse: DISRUPTION_TEXT[worst.inverse.cls] },
    cutting: rows.filter((r) => r.cuts).map((r) => r.id),
    window: recommendedWindow(steps.length),
  };
}
