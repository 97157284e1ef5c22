// Per-host shell scripts: audit, one apply/rollback pair per phase, verify, and the whole apply/rollback.
import type { HostPlan } from "../plan/by-host.js";
import type { Artifact, Check, CheckFn, Phase, Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { actionLine, checkLine } from "./shell-lines.js";

const stepVm = (s: Step) => ({
  title: s.title, apply: s.apply.map(actionLine), verify: s.verify.map(checkLine), inverse: s.inverse.map(actionLine),
});

/** Checks defined in templates/shell/lib-netns.hbs: scripts that use none of them do not carry it. */
const NETNS_FNS = new Set<CheckFn>([
  "check_netns", "check_ns_sysctl", "check_ns_up", "check_ns_addr", "check_bridge_port", "check_ovs_port",
  "check_ns_route", "check_ns_nft", "check_ns_iptables", "check_ns_reachable", "check_default_via",
]);
const usesNetns = (cs: Check[]) => cs.some((c) => NETNS_FNS.has(c.fn));

const script = (path: string, content: string): Artifact => ({ path, content, mode: 0o755 });

/** An apply script (checkpoint semantics) and its rollback, over the same steps. */
function pair(site: Site, paths: [string, string], what: string, steps: Step[], whole: boolean): Artifact[] {
  const vm = { header: headerText(site), steps: steps.map(stepVm), netns: usesNetns(steps.flatMap((s) => s.verify)) };
  return [
    script(paths[0], render("shell/steps-apply.sh", { ...vm, purpose: `Apply: ${what}.`, auditFirst: whole, verifyLast: whole })),
    script(paths[1], render("shell/steps-rollback.sh", { ...vm, purpose: `Rollback: ${what}.` })),
  ];
}

const PHASE_TEXT: Partial<Record<Phase, string>> = {
  runtime: "Runtime change (seed Phase 2): takes effect now, is lost on reboot",
  persist: "Persistence (seed Phase 3): makes the change survive a reboot",
  services: "Services: daemon configs and their units",
  nodes: "Node configs handed to other machines",
};

export function hostScripts(site: Site, plan: HostPlan, host: string): Artifact[] {
  const dir = `hosts/${host}`;
  const header = headerText(site);
  const steps = plan.steps;
  const out: Artifact[] = [];
  out.push(script(`${dir}/audit.sh`, render("shell/audit.sh", {
    header, host,
    gates: plan.gates,
    decisions: plan.decisions,
  })));
  for (const phase of ["runtime", "persist", "services", "nodes"] as const) {
    const ps = steps.filter((s) => s.phase === phase);
    if (ps.length) out.push(...pair(site, [`${dir}/${phase}-apply.sh`, `${dir}/${phase}-rollback.sh`], PHASE_TEXT[phase]!, ps, false));
  }
  const checks = plan.checks;
  const titles = [...new Set(checks.map((c) => c.title))];
  out.push(script(`${dir}/verify.sh`, render("shell/verify.sh", {
    header, host, netns: usesNetns(checks), groups: titles.map((t) => ({ title: t, checks: checks.filter((c) => c.title === t).map(checkLine) })),
  })));
  out.push(...pair(site, [`${dir}/apply.sh`, `${dir}/rollback.sh`], "the whole change for this host (audit gate, every step, final verify)", steps, true));
  return out;
}
