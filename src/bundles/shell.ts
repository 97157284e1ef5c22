// Per-host shell scripts: audit, apply and rollback (whole, or one phase), confirm, verify; each sources
// the engine's library (out/engine/lib.sh, src/bundles/engine.ts), the same for every host.
import type { GitMode } from "../plan/actions.js";
import type { HostPlan } from "../plan/by-host.js";
import { PHASES, type Artifact, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { actionLine, checkLine } from "../render/shell-lines.js";

const stepVm = (s: Step) => ({
  id: s.id, title: s.title, phase: s.phase, apply: s.apply.map(actionLine), verify: s.verify.map(checkLine), inverse: s.inverse.map(actionLine),
});

const script = (path: string, content: string, mode: GitMode = 0o755): Artifact => ({ path, content, mode });

/**
 * hosts/<host>/: audit.sh, apply.sh [PHASE], rollback.sh [PHASE], confirm.sh, verify.sh; a host without
 * steps only audit.sh and verify.sh.
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
    script(`${dir}/audit.sh`, render("shell/audit.sh", { header, host, gates: plan.gates, decisions: plan.decisions })),
    // a host sitegen changes nothing on gets its checks only: no change machinery
    ...(plan.steps.length ? [
      script(`${dir}/apply.sh`, render("shell/apply.sh", steps)),
      script(`${dir}/rollback.sh`, render("shell/rollback.sh", steps)),
      script(`${dir}/confirm.sh`, render("shell/confirm.sh", { header, host })),
    ] : []),
    script(`${dir}/verify.sh`, render("shell/verify.sh", {
      header, host, phases, phaseList: steps.phaseList,
      groups: titles.map((t) => ({ title: t, checks: checks.filter((c) => c.title === t).map(lineOf) })),
    })),
  ];
}
