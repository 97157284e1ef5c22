// One host's runbook (templates/review/host.hbs): decisions, gates, phases with each step's commands,
// verification and inverse, the final verify, what each step disturbs, tests and notes.
import type { HostPlan } from "../plan/by-host.js";
import { GATES } from "../plan/gates.js";
import { PHASES, type Phase, type Step } from "../plan/types.js";
import { render } from "../render/hbs.js";
import { mdText } from "../render/markdown.js";
import { checkLine, plainText } from "../render/shell-lines.js";
import type { DisruptionContext } from "../plan/disruption.js";
import { confirmVm } from "./review-confirm.js";

const stepVm = (s: Step) => ({
  title: mdText(s.title),
  apply: s.apply.map(plainText),
  verify: s.verify.map(checkLine),
  inverse: s.inverse.map(plainText),
});

/** How REVIEW.md names each phase that has steps; the text of each is templates/review/phases/<phase>.hbs. */
const PHASE_LABELS: Record<Exclude<Phase, "audit" | "verify">, string> = { runtime: "runtime", persist: "persistence", services: "services", nodes: "node" };

/** The host's phases with steps, numbered after the audit (1); the final verify comes last. */
function phasesVm(steps: readonly Step[]) {
  const names = PHASES.filter((p): p is keyof typeof PHASE_LABELS => p in PHASE_LABELS && steps.some((s) => s.phase === p));
  return names.map((name, i) => ({ name, number: i + 2, label: PHASE_LABELS[name], steps: steps.filter((s) => s.phase === name).map(stepVm) }));
}

/** Each line once: targets write per gateway, and two gateways on one bridge may say the same. */
const once = (xs: ReadonlyArray<{ text: string }>) => [...new Set(xs.map((x) => x.text))];

function hostVm(plan: HostPlan, ctx: DisruptionContext) {
  const steps = plan.steps;
  const phases = phasesVm(steps);
  return {
    gates: plan.gates.map((g) => ({ id: g.id, title: mdText(g.title), stops: GATES[g.kind].stops })),
    decisions: plan.decisions,
    phases,
    verifyNumber: phases.length + 2,
    checks: plan.checks.map((c) => ({ title: mdText(c.title), line: checkLine(c) })),
    notes: once(plan.notes),
    tests: once(plan.tests),
    hasSteps: steps.length > 0,
    confirm: confirmVm(steps, ctx),
  };
}

/** The host's runbook as markdown, without a heading (the site's REVIEW.md and the host's own file give it one). */
export const hostBody = (plan: HostPlan, ctx: DisruptionContext): string => render("review/host", hostVm(plan, ctx)).trimEnd();
