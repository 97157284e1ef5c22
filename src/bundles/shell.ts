// Per-host shell scripts: a sourced library, audit, apply and rollback (whole, or one phase), verify.
import type { GitMode } from "../plan/actions.js";
import type { HostPlan } from "../plan/by-host.js";
import { GATES } from "../plan/gates.js";
import { CHECK_FNS, PHASES, type Action, type Artifact, type Step } from "../plan/types.js";
import { checkFn } from "../plan/checks.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { actionLine, checkLine } from "../render/shell-lines.js";

const stepVm = (s: Step) => ({
  id: s.id, title: s.title, phase: s.phase, apply: s.apply.map(actionLine), verify: s.verify.map(checkLine), inverse: s.inverse.map(actionLine),
});

/** lib.sh's helper for each action kind that needs one (templates/shell/lib/<helper>.hbs). */
const ACTION_HELPERS: Partial<Record<Action["kind"], string>> = { install: "install_file", remove: "remove_file", secret: "install_secret" };

/** What the host's lib.sh defines: the action helpers and checks its plan calls, nothing else. */
function libVm(plan: Pick<HostPlan, "steps" | "checks">) {
  const actions = new Set(plan.steps.flatMap((s) => [...s.apply, ...s.inverse]).map((a) => a.kind));
  const fns = new Set([...plan.checks, ...plan.steps.flatMap((s) => s.verify)].map(checkFn));
  return {
    helpers: (["install", "remove", "secret"] as const).filter((k) => actions.has(k)).map((k) => ACTION_HELPERS[k]),
    checks: CHECK_FNS.filter((f) => fns.has(f)),
  };
}

/** The helper templates the host's gates call, each once. */
const auditHelpers = (plan: HostPlan) => [...new Set(plan.gates.flatMap((g) => GATES[g.kind].helper ?? []))];

const script = (path: string, content: string, mode: GitMode = 0o755): Artifact => ({ path, content, mode });

/** hosts/<host>/lib.sh: the helpers, with the netns and failover parts only where the plan uses them. */
export function hostLib(site: Site, plan: Pick<HostPlan, "steps" | "checks">, host: string): Artifact {
  return script(`hosts/${host}/lib.sh`, render("shell/lib.sh", { header: headerText(site), host, ...libVm(plan) }), 0o644);
}

/**
 * hosts/<host>/: lib.sh (sourced helpers), audit.sh, apply.sh [PHASE], rollback.sh [PHASE], confirm.sh, verify.sh.
 * One apply and one rollback per host, with the phase as an argument, keep the file count (and so
 * the cost of writing a 2,000-host site) low while every phase stays separately runnable.
 */
export function hostScripts(site: Site, plan: HostPlan, host: string): Artifact[] {
  const dir = `hosts/${host}`;
  const header = headerText(site);
  const phases = PHASES.filter((p) => plan.steps.some((s) => s.phase === p));
  const steps = { header, host, steps: plan.steps.map(stepVm), phases, phaseList: phases.join("|") || "(none)" };
  const checks = plan.checks;
  const titles = [...new Set(checks.map((c) => c.title))];
  const lineOf = (c: (typeof checks)[number]) => (c.phase ? `! in_phase ${c.phase} || ${checkLine(c)}` : checkLine(c));
  return [
    hostLib(site, plan, host),
    script(`${dir}/audit.sh`, render("shell/audit.sh", { header, host, helpers: auditHelpers(plan), gates: plan.gates, decisions: plan.decisions })),
    script(`${dir}/apply.sh`, render("shell/apply.sh", steps)),
    script(`${dir}/rollback.sh`, render("shell/rollback.sh", steps)),
    script(`${dir}/confirm.sh`, render("shell/confirm.sh", { header, host })),
    script(`${dir}/verify.sh`, render("shell/verify.sh", {
      header, host, phases, phaseList: steps.phaseList,
      groups: titles.map((t) => ({ title: t, checks: checks.filter((c) => c.title === t).map(lineOf) })),
    })),
  ];
}
