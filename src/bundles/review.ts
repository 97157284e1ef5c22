// REVIEW.md: the runbook, generated from the plan. The human gate reads this before anything runs.
// A site of several hosts opens with the order across them; hosts whose runbooks differ only in their
// names and addresses share one section (review-shape.ts) with a table of those values: each fact is
// written once, so a host has no runbook file of its own (its steps are in its host folder's scripts).
// Tables too long to read in REVIEW.md move to review/, one click away.
import { mdText } from "../render/markdown.js";
import { tiers } from "./ansible-plays.js";
import { byHost } from "../plan/by-host.js";
import { disruptionContext } from "../plan/disruption.js";
import type { Artifact, Plan } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { hostBody } from "./review-host.js";
import { crossHostOrder, namesText } from "./review-order.js";
import { shapes, slotsOf, type Shape } from "./review-shape.js";
import { vrouterTable } from "./review-vrouter.js";
import { topology } from "./topology.js";

/** Tables longer than this move from REVIEW.md to a file of their own under review/. */
export const TABLE_MAX_ROWS = 40;

const md = (path: string, content: string): Artifact => ({ path, content, mode: 0o644 });

/** What auto received; "new" is what the lock's latest generation added, i.e. what this gen allocated. */
function allocationsVm(site: Site) {
  const generation = Math.max(0, ...site.allocations.map((a) => a.generation));
  const fresh = site.allocations.some((a) => a.fresh);
  return {
    lock: site.source.replace(/\.yaml$/, ".lock.yaml"),
    generation,
    fresh,
    rows: site.allocations.map((a) => ({ ...a, when: `generation ${a.generation}${a.fresh ? " (**new**)" : ""}` })),
  };
}

/** The cross-host order of ansible/apply.yml (src/bundles/ansible-plays.ts), host names by tier. */
function rollout(site: Site): { all: string; first: string; nodes: string } {
  const t = tiers(site);
  return { all: namesText(site.hosts.map((h) => h.name)), first: namesText([...t.gateways, ...t.routers]), nodes: namesText(t.nodes) };
}

// the table's fields only: a copy of each whole network was ~15 ms of the 2,000-host site's 4,000 networks
const networksVm = (site: Site) =>
  site.networks.map((n) => ({
    name: n.name,
    vlanText: n.vlan === undefined ? "untagged" : String(n.vlan),
    cidrText: [n.cidr, ...(n.v6 ? [n.v6.cidr] : [])].join(", "),
    gatewayText: n.gateway
      ? `${[n.gateway.address, ...(n.gateway.address6 ? [n.gateway.address6] : [])].join(", ")} (${
          n.gateway.on === "router" ? `router: ${mdText(n.gateway.router ?? "")}` : `${n.gateway.on} ${n.gateway.host}`
        })`
      : "none",
    rangesText: n.ranges.map((r) => `${r.name} ${r.from}-${r.to}${r.purpose ? ` (${r.purpose})` : ""}`).join("; ") || "-",
    staticsText: n.statics.map((s) => `${s.name} ${s.address}`).join("; ") || "-",
  }));

/** One section per shape; a long host table goes to review/hosts-like-<first>.md. */
function shapeVm(s: Shape, site: Site, multi: boolean) {
  const first = s.hosts[0]!;
  const management = site.hosts.find((h) => h.name === first)!.management;
  const tableFile = s.rows.length > TABLE_MAX_ROWS ? `review/hosts-like-${first}.md` : "";
  return {
    ...s,
    single: s.hosts.length === 1,
    file: multi,
    first,
    management,
    count: s.hosts.length,
    hostsText: namesText(s.hosts),
    tableFile,
    body: s.text,
  };
}

/** Each host's runbook and its values, made one at a time: shapes() keeps only each group's first. */
function* runbooks(site: Site, plan: Plan, hosts: string[]) {
  const forHost = byHost(plan);
  const ctx = disruptionContext(site);
  const byName = new Map(site.hosts.map((h) => [h.name, h]));
  for (const n of hosts) yield { host: n, slots: slotsOf(site, byName.get(n)!), text: hostBody(forHost(n), ctx) };
}

export function* reviewFiles(site: Site, plan: Plan): Generator<Artifact> {
  const order = crossHostOrder(site);
  const multi = site.hosts.length > 1;
  const shapeVms = shapes(runbooks(site, plan, order.hosts)).map((s) => shapeVm(s, site, multi));
  const networks = networksVm(site);
  const header = headerText(site);
  const side = (path: string, title: string, vm: object) => md(path, render("review/side-file", { header, site: site.name, title, shape: false, ...vm }));
  const vm = {
    header,
    site: site.name,
    decision: site.decision ?? "",
    description: mdText(site.description ?? ""),
    order: multi ? order : false,
    networks,
    networksFile: networks.length > TABLE_MAX_ROWS ? "review/networks.md" : "",
    allocations: allocationsVm(site),
    rollout: rollout(site),
    anySteps: plan.steps.length > 0,
    stateHost: multi ? "<host>" : (site.hosts[0]?.name ?? ""),
    vrouters: vrouterTable(site),
    staticVips: site.vrouters.some((v) => !v.ha),
    sections: plan.sections,
    shapes: shapeVms,
    warnings: site.warnings,
    topology: topology(site),
  };
  yield md("REVIEW.md", render("review/REVIEW.md", vm));
  if (vm.networksFile) yield side(vm.networksFile, "networks", { networks });
  yield* shapeVms.filter((s) => s.tableFile).map((s) => side(s.tableFile, `hosts like ${s.first}`, { shape: s }));
}

/** The review files at once (REVIEW.md first). */
export const review = (site: Site, plan: Plan): Artifact[] => [...reviewFiles(site, plan)];
