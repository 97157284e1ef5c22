// Per-host shell scripts: a sourced library, audit, apply and rollback (whole, or one phase), verify.
import type { GitMode } from "../plan/actions.js";
import type { HostPlan } from "../plan/by-host.js";
import { GATES } from "../plan/gates.js";
import { PHASES, type Artifact, type Check, type CheckFn, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { actionLine, checkLine } from "../render/shell-lines.js";

const stepVm = (s: Step) => ({
  title: s.title, phase: s.phase, apply: s.apply.map(actionLine), verify: s.verify.map(checkLine), inverse: s.inverse.map(actionLine),
});

/** Checks defined in templates/shell/lib-netns.hbs: hosts that use none of them do not carry it. */
const NETNS_FNS = new Set<CheckFn>([
  "check_netns", "check_ns_sysctl", "check_ns_up", "check_ns_addr", "check_bridge_port", "check_ovs_port",
  "check_ns_route", "check_ns_nft", "check_ns_iptables", "check_ns_reachable", "check_default_via",
]);
const usesNetns = (cs: Check[]) => cs.some((c) => NETNS_FNS.has(c.fn));
/** templates/shell/lib-ha.hbs: install_secret and the failover checks, for hosts whose plan uses them. */
const HA_FNS = new Set<CheckFn>(["check_file", "check_unit_file", "check_secret_file", "check_cluster_resource"]);
const usesHa = (cs: Check[], steps: Step[]) => cs.some((c) => HA_FNS.has(c.fn)) || steps.some((s) => [...s.apply, ...s.inverse].some((a) => a.kind === "secret"));

/** The helper templates the host's gates call, each once. */
const auditHelpers = (plan: HostPlan) => [...new Set(plan.gates.flatMap((g) => GATES[g.kind].helper ?? []))];

const script = (path: string, content: string, mode: GitMode = 0o755): Artifact => ({ path, content, mode });

/**
 * hosts/<host>/: lib.sh (sourced helpers), audit.sh, apply.sh [PHASE], rollback.sh [PHASE], verify.sh.
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
  return [
    script(`${dir}/lib.sh`, render("shell/lib.sh", {
      header, host, netns: usesNetns([...checks, ...plan.steps.flatMap((s) => s.verify)]), ha: usesHa([...checks, ...plan.steps.flatMap((s) => s.verify)], plan.steps),
    }), 0o644),
    script(`${dir}/audit.sh`, render("shell/audit.sh", { header, host, helpers: auditHelpers(plan), gates: plan.gates, decisions: plan.decisions })),
    script(`${dir}/apply.sh`, render("shell/apply.sh", steps)),
    script(`${dir}/rollback.sh`, render("shell/rollback.sh", steps)),
    script(`${dir}/verify.sh`, render("shell/verify.sh", {
      header, host, phases, phaseList: steps.phaseList,
      groups: titles.map((t) => ({ title: t, checks: checks.filter((c) => c.title === t).map((c) => (c.phase ? `! in_phase ${c.phase} || ${checkLine(c)}` : checkLine(c))) })),
    })),
  ];
}
