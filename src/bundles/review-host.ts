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
import { foldFinalChecks, foldStepChecks, type CheckRun } from "../render/check-runs.js";

/** A folded check list as REVIEW.md shows it: a check's line, or "step N's checks" (1-based, as the steps are numbered). */
const runVm = (r: CheckRun) => ("step" in r ? { step: r.step + 1 } : { line: r.line });

const stepVm = (s: Step, n: number, runs: CheckRun[] = []) => ({
  n,
  title: mdText(s.title),
  apply: s.apply.map(plainText),
  verify: runs.map(runVm),
  inverse: s.inverse.map(plainText),
});

/** How REVIEW.md names each phase that has steps; the text of each is templates/review/phases/<phase>.hbs. */
const PHASE_LABELS: Record<Exclude<Phase, "audit" | "verify">, string> = { runtime: "runtime", persist: "persistence", services: "services", nodes: "node" };

/** The host's phases with steps, numbered after the audit (1); the final verify comes last. */
function phasesVm(steps: readonly Step[], folded: CheckRun[][]) {
  const names = PHASES.filter((p): p is keyof typeof PHASE_LABELS => p in PHASE_LABELS && steps.some((s) => s.phase === p));
  const ofPhase = (name: Phase) => steps.flatMap((s, i) => (s.phase === name ? [stepVm(s, i + 1, folded[i])] : []));
  return names.map((name, i) => ({ name, number: i + 2, label: PHASE_LABELS[name], steps: ofPhase(name) }));
}

/** The final checks as host.sh's host_checks runs them: under each title, a step's whole list by its number. */
function finalChecksVm(checks: HostPlan["checks"], stepChecks: string[][]) {
  const titled = checks.map((c) => ({ title: c.title, line: checkLine(c), phase: c.phase }));
  return foldFinalChecks(titled, stepChecks).flatMap((g) => {
    const title = mdText(g.title);
    return g.runs.map((r) => ({ title, ...runVm(r) }));
  });
}

/** Each line once: targets write per gateway, and two gateways on one bridge may say the same. */
const once = (xs: ReadonlyArray<{ text: string }>) => [...new Set(xs.map((x) => x.text))];

function hostVm(plan: HostPlan, ctx: DisruptionContext) {
  const steps = plan.steps;
  const stepChecks = steps.map((s) => s.verify.map(checkLine));
  const phases = phasesVm(steps, foldStepChecks(stepChecks));
  return {
    gates: plan.gates.map((g) => ({ id: g.id, title: mdText(g.title), stops: GATES[g.kind].stops })),
    decisions: plan.decisions,
    phases,
    verifyNumber: phases.length + 2,
    checks: finalChecksVm(plan.checks, stepChecks),
    notes: once(plan.notes),
    tests: once(plan.tests),
    hasSteps: steps.length > 0,
    confirm: confirmVm(steps, ctx),
  };
}

/** The host's runbook as markdown, without a heading (the site's REVIEW.md and the host's own file give it one). */
export const hostBody = (plan: HostPlan, ctx: DisruptionContext): string => render("review/host", hostVm(plan, ctx)).trimEnd();
