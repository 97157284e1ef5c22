// Pacemaker variant of VIP failover (as Fuel shipped it: ns_IPaddr2, ns_vrouter and a promotable
// ns_conntrackd): on every member the units the cluster starts (the namespace check and the uplink
// route; dnsmasq and NTP come from their own targets, installed but not enabled); on the primary a
// reviewable pcs script and the CIB fragment it produces, applied as one step with its inverse.
import { check } from "../../plan/checks.js";
import { installed } from "../../plan/files.js";
import { gate, type HostGate } from "../../plan/gates.js";
import type { Artifact, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Site } from "../../resolve/site.js";
import { byPacemaker, type HaRouter, type PacemakerHa, type Vrouter, type VrouterMember } from "../../resolve/vrouter.js";
import { failoverFacts } from "../conntrackd/review.js";
import { configDir, unitPath, unitsStep, vipProbes, type FileSpec } from "../netns/service.js";
import { reviewLines, type Target } from "../target.js";
import { cluster, netnsUnit, uplinkUnit, type Cluster } from "./cib.js";
import { cibConstraints, cibResources, pcsCreate, pcsDelete, pcsDisable, pcsLine } from "./render.js";

export const pcsScript = (v: Vrouter) => `${configDir(v)}/pacemaker.sh`;
export const cibFragment = (v: Vrouter) => `${configDir(v)}/cib-${v.name}.xml`;

function oneshot(site: Site, v: Vrouter, unit: string, description: string, start: string, stop: string): FileSpec {
  return { dest: unitPath(unit), content: render("systemd/netns-oneshot.service", { header: headerText(site), description, router: v.name, start, stop }) };
}

/** Every member: the units Pacemaker starts, installed and never enabled. */
function unitsOf(site: Site, v: Vrouter, m: VrouterMember) {
  const route = ["default", "via", v.gateway, "dev", v.public.link].join(" ");
  const present =
    `Namespace ${v.namespace} of virtual router ${v.name} is present (made by host.sh apply runtime): ` +
    `Pacemaker places nothing of ${v.name} where it is not`;
  const files = [
    oneshot(site, v, netnsUnit(v), present, `/sbin/ip netns exec ${v.namespace} true`, ""),
    oneshot(
      site,
      v,
      uplinkUnit(v),
      `Default route of virtual router ${v.name} out of ${v.public.link}, on the member holding the VIPs`,
      `/sbin/ip -n ${v.namespace} route replace ${route}`,
      `-/sbin/ip -n ${v.namespace} route del ${route}`,
    ),
  ];
  return unitsStep({
    id: `vrouter-${v.name}-cluster-units`,
    host: m.host,
    files,
    units: [netnsUnit(v), uplinkUnit(v)],
    byCluster: true,
    title: `install ${netnsUnit(v)} and ${uplinkUnit(v)}, which Pacemaker starts (namespace check, default route out of ${v.public.link})`,
  });
}

/** The cluster's two renderings from one list: the pcs commands (pacemaker.sh) and the CIB fragment they produce. */
function clusterFiles(site: Site, v: HaRouter<PacemakerHa>, m: VrouterMember, c: Cluster): FileSpec[] {
  const header = headerText(site);
  return [
    {
      dest: pcsScript(v),
      mode: 0o755,
      content: render("pacemaker/pacemaker.sh", {
        header,
        router: v.name,
        prefix: c.prefix,
        primary: m.host,
        create: pcsCreate(c).map((x) => ({ comment: x.comment, line: pcsLine(x.argv) })),
        delete: pcsDelete(c).map(pcsLine),
        disable: pcsLine(pcsDisable(c)),
      }),
    },
    {
      dest: cibFragment(v),
      content: render("pacemaker/cib.xml", {
        header,
        router: v.name,
        resources: cibResources(c),
        constraintXml: cibConstraints(c),
        constraints: c.constraints.map((k) => `${k.id}: ${k.why}`),
      }),
    },
  ];
}

/** The primary: pacemaker.sh and the CIB fragment, and the step that runs the script. */
function clusterOf(site: Site, v: HaRouter<PacemakerHa>, m: VrouterMember): { step: Step; artifacts: Artifact[] } {
  const c = cluster(v);
  const placed = clusterFiles(site, v, m, c).map((f) => installed(m.host, f.dest, f.content, f.mode));
  // the script is run from where it was installed, below $SITEGEN_ROOT like every installed file
  const resources = { router: v.name, script: pcsScript(v), resource: `${c.prefix}-router`, vips: [v.management.vip, v.public.vip] };
  const step: Step = {
    id: `vrouter-${v.name}-pacemaker`,
    host: m.host,
    phase: "services",
    title: `create ${v.name}'s cluster resources (${c.top.join(", ")}) and their ordering and colocation with pacemaker.sh create (one verified CIB push)`,
    apply: [...placed.map((f) => f.install), { kind: "cluster", op: "create", ...resources }],
    verify: c.top.map((resource) => check("cluster-resource", { resource })),
    inverse: [{ kind: "cluster", op: "delete", ...resources }, ...placed.map((f) => f.remove)],
  };
  return { step, artifacts: placed.map((f) => f.artifact) };
}

function clusterGate(v: HaRouter<PacemakerHa>, m: VrouterMember): HostGate {
  const p = v.ha.prefix;
  return gate(
    m.host,
    "cluster-members",
    "pacemaker",
    `Pacemaker runs here and knows every member, its IPaddr2 can work in a namespace, and until resource ${p}-vip-mgmt exists nobody holds the VIPs (ARP/NS)`,
    { members: v.members.map((x) => x.host), resource: `${p}-vip-mgmt`, probes: vipProbes(v, m) },
  );
}

/** REVIEW.md's failover section (templates/pacemaker/review-failover.hbs). */
function section(v: HaRouter<PacemakerHa>): string {
  const facts = { ...failoverFacts(v), prefix: v.ha.prefix, pcsScript: pcsScript(v), cibFragment: cibFragment(v), stickiness: v.ha.preempt ? 0 : 1000 };
  return render("pacemaker/review-failover", facts).trimEnd();
}

export const pacemaker: Target = {
  name: "pacemaker",
  summary:
    "VIP failover by Pacemaker: units the cluster starts on every member, a pcs script and its CIB fragment " +
    "(IPaddr2 in the namespace, promotable conntrackd, ordering and colocation)",
  checkedBy: ["pcs", "shellcheck", "systemd-analyze"],
  plan: (site) => {
    const vs = site.vrouters.filter(byPacemaker);
    const made = vs.flatMap((v) => [
      ...v.members.map((m) => unitsOf(site, v, m)),
      clusterOf(
        site,
        v,
        v.members.find((m) => m.primary)!,
      ),
    ]);
    return {
      steps: made.map((x) => x.step),
      artifacts: made.flatMap((x) => x.artifacts),
      gates: vs.flatMap((v) => v.members.map((m) => clusterGate(v, m))),
      // the drill moves the resources off the preferred member
      tests: vs.flatMap((v) => v.members.filter((m) => m.primary).flatMap((m) => reviewLines(m.host, "pacemaker/review-tests", { host: m.host }))),
      sections: vs.map(section),
    };
  },
};
