// REVIEW.md: the runbook, generated from the plan. The human gate reads this before anything runs.
import { byHost, type HostPlan } from "../plan/by-host.js";
import { GATES } from "../plan/gates.js";
import { PHASES, type Artifact, type Phase, type Plan, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Host, Site } from "../resolve/site.js";
import { failoverSections } from "./review-failover.js";
import { vrouterNotes, vrouterTable, vrouterTests } from "./review-vrouter.js";
import { checkLine, plainText } from "../render/shell-lines.js";

const stepVm = (s: Step) => ({
  title: s.title, apply: s.apply.map(plainText), verify: s.verify.map(checkLine), inverse: s.inverse.map(plainText),
});

function notes(h: Host): string[] {
  const out: string[] = [];
  for (const g of h.gateways) {
    if (g.bridge.owner === "libvirt") {
      out.push(`libvirt network ${g.bridge.libvirtNetwork} must be autostart (gate G4), so ${g.bridge.name} exists at boot before ${g.unit} runs.`,
        `If ${g.bridge.libvirtNetwork} uses forward mode nat, traffic routed through ${g.ifname} may be masqueraded to this host's address. It still works statefully; for un-NATed routing add an iptables RETURN rule for these subnets ahead of libvirt's MASQUERADE (optional, not generated).`);
    }
    if (g.persistence === "systemd") {
      out.push(`Unlike the seed's unit, ${g.unit} has no Wants=network-online.target: it needs only its bridge, which it waits for (30 s at most) after ${g.bridge.owner === "libvirt" ? "libvirtd" : "the bridge's owner"}; pulling in network-online made boots wait for systemd-networkd-wait-online where networkd manages nothing.`);
    } else {
      out.push(`netplan only brings ${g.ifname} up if ${g.bridge.name} is up when netplan runs at boot; run \`netplan try\` interactively first if you are on a remote session (it reverts after 120 s unless confirmed).`);
    }
  }
  return out;
}

function tests(h: Host): string[] {
  const out: string[] = [];
  for (const g of h.gateways) {
    out.push(`\`ping -c2 ${g.address}\`: the gateway itself answers`);
    for (const t of g.testTargets.slice(0, 3)) out.push(`\`ping -c2 ${t}\` (once that host carries its address): a host on ${g.network} is reachable`);
    out.push(`from a host on another plane, reach ${g.cidr} through this host (it routes: ip_forward=1)`);
    out.push(`persistence, the real proof: reboot, then \`bash verify.sh\` must pass (${g.ifname} = ${g.ifaddr} up)`);
  }
  for (const c of h.checked) out.push(`\`ping -c2 ${c.address}\`: the ${c.network} gateway (${c.on === "router" ? c.router : `held by ${c.bridge}'s owner`}) answers`);
  return out;
}

/** How REVIEW.md names each phase that has steps; the text of each is templates/review/phases/<phase>.hbs. */
const PHASE_LABELS: Record<Exclude<Phase, "audit" | "verify">, string> = { runtime: "runtime", persist: "persistence", services: "services", nodes: "node" };

/** The host's phases with steps, numbered after the audit (1); the final verify comes last. */
function phasesVm(steps: Step[]) {
  const names = PHASES.filter((p): p is keyof typeof PHASE_LABELS => p in PHASE_LABELS && steps.some((s) => s.phase === p));
  return names.map((name, i) => ({ name, number: i + 2, label: PHASE_LABELS[name], steps: steps.filter((s) => s.phase === name).map(stepVm) }));
}

function hostVm(site: Site, plan: HostPlan, h: Host) {
  const steps = plan.steps;
  const phases = phasesVm(steps);
  const gates = plan.gates.map((g) => ({ id: g.id, title: g.title, stops: GATES[g.kind].stops }));
  return {
    name: h.name, management: h.management, gates,
    decisions: plan.decisions,
    phases, verifyNumber: phases.length + 2,
    checks: plan.checks.map((c) => ({ title: c.title, line: checkLine(c) })),
    checked: h.checked, notes: [...notes(h), ...vrouterNotes(site, h.name)], tests: [...tests(h), ...vrouterTests(site, h.name)], hasSteps: steps.length > 0,
  };
}

export function review(site: Site, plan: Plan): Artifact {
  const forHost = byHost(plan);
  const vm = {
    header: headerText(site), site: site.name, decision: site.decision ?? "", description: site.description ?? "",
    networks: site.networks.map((n) => ({
      ...n, vlanText: n.vlan === undefined ? "untagged" : String(n.vlan),
      gatewayText: n.gateway ? `${n.gateway.address} (${n.gateway.on === "router" ? `router: ${n.gateway.router}` : `${n.gateway.on} ${n.gateway.host}`})` : "none",
      rangesText: n.ranges.map((r) => `${r.name} ${r.from}-${r.to}${r.purpose ? ` (${r.purpose})` : ""}`).join("; ") || "-",
      staticsText: n.statics.map((s) => `${s.name} ${s.address}`).join("; ") || "-",
    })),
    vrouters: vrouterTable(site), staticVips: site.vrouters.some((v) => !v.ha), failover: failoverSections(site),
    hosts: site.hosts.map((h) => hostVm(site, forHost(h.name), h)),
  };
  return { path: "REVIEW.md", content: render("review/REVIEW.md", vm), mode: 0o644 };
}
