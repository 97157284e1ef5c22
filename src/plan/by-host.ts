import type { Plan } from "./types.js";

export type HostPlan = Pick<Plan, "gates" | "steps" | "checks" | "decisions">;

/** The plan split per host in one pass, so per-host bundles stay linear in the site's size. */
export function byHost(plan: Plan): (host: string) => HostPlan {
  const m = new Map<string, HostPlan>();
  const get = (h: string) => {
    let hp = m.get(h);
    if (!hp) { hp = { gates: [], steps: [], checks: [], decisions: [] }; m.set(h, hp); }
    return hp;
  };
  for (const g of plan.gates) get(g.host).gates.push(g);
  for (const s of plan.steps) get(s.host).steps.push(s);
  for (const c of plan.checks) get(c.host).checks.push(c);
  for (const d of plan.decisions) get(d.host).decisions.push(d);
  return (h) => m.get(h) ?? { gates: [], steps: [], checks: [], decisions: [] };
}
