// REVIEW.md: the runbook, generated from the plan. The human gate reads this before anything runs.
import { tiers } from "./ansible-plays.js";
import { byHost, type HostPlan } from "../plan/by-host.js";
import { GATES } from "../plan/gates.js";
import { PHASES, type Artifact, type Phase, type Plan, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Host, Site } from "../resolve/site.js";
import { vrouterTable } from "./review-vrouter.js";
import { checkLine, plainText } from "../render/shell-lines.js";
import { topology } from "./topology.js";
import { confirmVm } from "./review-confirm.js";
import { disruptionContext, type DisruptionContext } from "../plan/disruption.js";

const stepVm = (s: Step) => ({
  title: s.title, apply: s.apply.map(plainText), verify: s.verify.map(checkLine), inverse: s.inverse.map(plainText),
});

/** How REVIEW.md names each phase that has steps; the text of each is templates/review/phases/<phase>.hbs. */
const PHASE_LABELS: Record<Exclude<Phase, "audit" | "verify">, string> = { runtime: "runtime", persist: "persistence", services: "services", nodes: "node" };

/** The host's phases with steps, numbered after the audit (1); the final verify comes last. */
function phasesVm(steps: Step[]) {
  const names = PHASES.filter((p): p is keyof typeof PHASE_LABELS => p in PHASE_LABELS && steps.some((s) => s.phase === p));
  return names.map((name, i) => ({ name, number: i + 2, label: PHASE_LABELS[name], steps: steps.filter((s) => s.phase === name).map(stepVm) }));
}

function hostVm(plan: HostPlan, h: Host, ctx: DisruptionContext) {
  const steps = plan.steps;
  const phases = phasesVm(steps);
  const gates = plan.gates.map((g) => ({ id: g.id, title: g.title, stops: GATES[g.kind].stops }));
  return {
    name: h.name, management: h.management, gates,
    decisions: plan.decisions,
    phases, verifyNumber: phases.length + 2,
    checks: plan.checks.map((c) => ({ title: c.title, line: checkLine(c) })),
    notes: plan.notes.map((t) => t.text), tests: plan.tests.map((t) => t.text), hasSteps: steps.length > 0,
    confirm: confirmVm(steps, ctx),
  };
}

/** What auto received; "new" is what the lock's latest generation added, i.e. what this gen allocated. */
function allocationsVm(site: Site) {
  const generation = Math.max(0, ...site.allocations.map((a) => a.generation));
  const fresh = site.allocations.some((a) => a.fresh);
  return {
    lock: site.source.replace(/\.yaml$/, ".lock.yaml"), generation, fresh,
    rows: site.allocations.map((a) => ({ ...a, when: `generation ${a.generation}${a.fresh ? " (**new**)" : ""}` })),
  };
}

/** The cross-host order of ansible/apply.yml (src/bundles/ansible-plays.ts), host names by tier. */
function rollout(site: Site): { all: string; first: string; nodes: string } {
  const t = tiers(site);
  return { all: site.hosts.map((h) => h.name).join(", "), first: [...t.gateways, ...t.routers].join(", "), nodes: t.nodes.join(", ") };
}

export function review(site: Site, plan: Plan): Artifact {
  const forHost = byHost(plan);
  const ctx = disruptionContext(site);
  const vm = {
    header: headerText(site), site: site.name, decision: site.decision ?? "", description: site.description ?? "",
    networks: site.networks.map((n) => ({
      ...n, vlanText: n.vlan === undefined ? "untagged" : String(n.vlan),
      cidrText: [n.cidr, ...(n.v6 ? [n.v6.cidr] : [])].join(", "),
      gatewayText: n.gateway ? `${[n.gateway.address, ...(n.gateway.address6 ? [n.gateway.address6] : [])].join(", ")} (${n.gateway.on === "router" ? `router: ${n.gateway.router}` : `${n.gateway.on} ${n.gateway.host}`})` : "none",
      rangesText: n.ranges.map((r) => `${r.name} ${r.from}-${r.to}${r.purpose ? ` (${r.purpose})` : ""}`).join("; ") || "-",
      staticsText: n.statics.map((s) => `${s.name} ${s.address}`).join("; ") || "-",
    })),
    allocations: allocationsVm(site),
    rollout: rollout(site),
    vrouters: vrouterTable(site), staticVips: site.vrouters.some((v) => !v.ha), sections: plan.sections,
    hosts: site.hosts.map((h) => hostVm(forHost(h.name), h, ctx)),
    warnings: site.warnings, topology: topology(site),
  };
  return { path: "REVIEW.md", content: render("review/REVIEW.md", vm), mode: 0o644 };
}
