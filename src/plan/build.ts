import type { Site } from "../resolve/site.js";
import type { Target } from "./target.js";
import { filesPath, nameFiles } from "./files.js";
import { finalChecks, unplanned } from "./final.js";
import { PHASES, type Draft, type ExtraCheck, type Plan, type Reverify } from "./types.js";

/** A step that changes something but cannot be undone is refused: every change ships with its inverse. */
export class PlanError extends Error {}

export function buildPlan(site: Site, targets: readonly Target[]): Plan {
  const plan: Draft<Plan> = { gates: [], steps: [], checks: [], artifacts: [], decisions: [], notes: [], tests: [], sections: [] };
  const extras: ExtraCheck[] = [];
  const reverify: Reverify[] = [];
  for (const t of targets) {
    const c = t.plan(site);
    plan.gates.push(...(c.gates ?? []));
    plan.steps.push(...(c.steps ?? []));
    extras.push(...(c.checks ?? []));
    reverify.push(...(c.reverify ?? []));
    plan.artifacts.push(...(c.artifacts ?? []));
    plan.decisions.push(...(c.decisions ?? []));
    plan.notes.push(...(c.notes ?? []));
    plan.tests.push(...(c.tests ?? []));
    plan.sections.push(...(c.sections ?? []));
  }
  ({ steps: plan.steps, artifacts: plan.artifacts } = nameFiles(plan.steps, plan.artifacts));
  const shipped = new Set(plan.artifacts.map((a) => a.path));
  for (const s of plan.steps) {
    if (s.apply.length && !s.inverse.length) throw new PlanError(`step ${s.id} (${s.title}) has no inverse`);
    if (!s.verify.length) throw new PlanError(`step ${s.id} (${s.title}) has no verification`);
    // an install copies a file of out/: refuse the plan rather than ship a step that cannot run
    for (const a of [...s.apply, ...s.inverse]) {
      if (a.kind === "install" && !shipped.has(filesPath(s.host, a.src))) throw new PlanError(`step ${s.id} installs ${a.dest}, but no target wrote it`);
    }
  }
  // Stable order: phase, then the order targets produced them (which follows the sorted Site).
  // each step's rank once, not twice a comparison (about 250,000 indexOf calls for 9,000 steps)
  const rank = (p: string) => PHASES.indexOf(p as (typeof PHASES)[number]);
  plan.steps = plan.steps
    .map((s, i) => ({ s, i, rank: rank(s.phase) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.s);
  const missing = unplanned(plan.steps, reverify);
  if (missing) throw new PlanError(`the final verify re-runs step ${missing.step} on ${missing.host}, but no target planned it`);
  plan.checks = finalChecks(plan.steps, reverify, extras);
  return plan;
}
