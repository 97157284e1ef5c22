// hosts/<host>/host.sh: one file per host with the host's facts, each once: the audit's gates, the steps
// (apply_N, verify_N, inverse_N side by side), the final checks and the drift model. The commands that run
// them (audit, apply, rollback, verify, drift, confirm) are the engine's lib.sh (src/bundles/engine.ts),
// the same for every host; host.sh's last line hands its arguments to lib.sh's dispatcher.
import type { HostPlan } from "../plan/by-host.js";
import { PHASES, type Artifact, type FinalCheck, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { actionLine, checkLine } from "../render/shell-lines.js";
import { driftModel } from "../drift/model.js";
import { foldFinalChecks, foldStepChecks, type CheckRun } from "../render/check-runs.js";

export interface StepVm {
  id: string;
  title: string;
  phase: string;
  apply: string[];
  verify: string[];
  inverse: string[];
}

export const stepVm = (s: Step): StepVm => ({
  id: s.id,
  title: s.title,
  phase: s.phase,
  apply: s.apply.map(actionLine),
  verify: s.verify.map(checkLine),
  inverse: s.inverse.map(actionLine),
});

/** What host.sh holds; a transition's has no drift model of its own (its audit is the old version's, `model`). */
export interface HostShVm {
  header: string;
  host: string;
  steps: StepVm[];
  gates: HostPlan["gates"];
  decisions: HostPlan["decisions"];
  checks: readonly FinalCheck[];
  model?: string[];
  transition?: string;
  /** sitegen's netplan files the gates judge: their names in /etc/netplan and their copies' in files/. */
  netplan: NetplanCopy[];
}

export interface NetplanCopy {
  name: string;
  src: string;
}

const NETPLAN_FILE = /^\/etc\/netplan\/([^/]+\.yaml)$/;
/** The netplan files these steps install (the netplan gates read them from files/ by name: np_copy). */
export const netplanCopies = (steps: readonly Step[]): NetplanCopy[] =>
  steps.flatMap((s) =>
    s.apply.flatMap((a) => (a.kind === "install" && NETPLAN_FILE.test(a.dest) ? [{ name: NETPLAN_FILE.exec(a.dest)![1]!, src: a.src }] : [])),
  );

/**
 * The final checks grouped under their titles, in the order they first appear; a phase's own only after it
 * (in_phase). A run that is a step's whole check list calls verify_N (the step's checks, written once).
 */
function checkGroups(checks: readonly FinalCheck[], stepChecks: readonly (readonly string[])[]) {
  const titled = checks.map((c) => ({ title: c.title, line: checkLine(c), phase: c.phase }));
  return foldFinalChecks(titled, stepChecks).map((g) => ({
    title: g.title,
    checks: g.runs.map((r) => ("step" in r ? stepCall(r.step) : ownCall(r.line, r.phase))),
  }));
}

const stepCall = (step: number) => ({ call: `verify_${step}`, count: true });
const ownCall = (line: string, phase?: string) => ({ call: phase ? `! in_phase ${phase} || ${line}` : line, count: false });

/** A step's checks for its verify_N: its own lines, and verify_M for a whole earlier step's list. */
const verifyCalls = (runs: CheckRun[] = []) => runs.map((r) => ("step" in r ? stepCall(r.step) : ownCall(r.line)));

export function hostSh(vm: HostShVm): Artifact {
  const phases = PHASES.filter((p) => vm.steps.some((s) => s.phase === p));
  const stepChecks = vm.steps.map((s) => s.verify);
  const folded = foldStepChecks(stepChecks);
  const content = render("shell/host.sh", {
    ...vm,
    steps: vm.steps.map((s, i) => ({ ...s, verify: verifyCalls(folded[i]) })),
    phaseList: ["all", ...phases].join("|"),
    groups: checkGroups(vm.checks, stepChecks),
    hasModel: vm.model !== undefined,
    transition: vm.transition ?? "",
  });
  return { path: `hosts/${vm.host}/host.sh`, content, mode: 0o755 };
}

/**
 * hosts/<host>/host.sh. One file per host, with the command and the phase as arguments, keeps the file
 * count (and so the cost of writing a 2,000-host site) low while every phase stays separately runnable;
 * a host without steps gets its checks only (audit, verify, drift): no change machinery.
 */
export function hostScripts(site: Site, plan: HostPlan, host: string, artifacts: Map<string, Artifact>): Artifact[] {
  const model = driftModel(site, plan, artifacts, host).map((l) => l.join(" "));
  return [
    hostSh({
      header: headerText(site),
      host,
      steps: plan.steps.map(stepVm),
      gates: plan.gates,
      decisions: plan.decisions,
      checks: plan.checks,
      model,
      netplan: plan.gates.length ? netplanCopies(plan.steps) : [],
    }),
  ];
}
