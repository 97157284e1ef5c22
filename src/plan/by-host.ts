import type { Draft, Plan } from "./types.js";

export type HostPlan = Pick<Plan, "gates" | "steps" | "checks" | "decisions" | "notes" | "tests">;

const empty = (): Draft<HostPlan> => ({ gates: [], steps: [], checks: [], decisions: [], notes: [], tests: [] });

/** The plan split per host in one pass, so per-host bundles stay linear in the site's size. */
export function byHost(plan: Plan): (host: string) => HostPlan {
  const m = new Map<string, Draft<HostPlan>>();
  const get = (h: string) => {
    let hp = m.get(h);
    if (!hp) {
      hp = empty();
      m.set(h, hp);
    }
    return hp;
  };
  for (const g of plan.gates) get(g.host).gates.push(g);
  for (const s of plan.steps) get(s.host).steps.push(s);
  for (const c of plan.checks) get(c.host).checks.push(c);
  for (const d of plan.decisions) get(d.host).decisions.push(d);
  for (const t of plan.notes) get(t.host).notes.push(t);
  for (const t of plan.tests) get(t.host).tests.push(t);
  return (h) => m.get(h) ?? empty();
}
