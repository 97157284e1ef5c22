// What drift.sh compares a live host against, read from the plan: the checks say which links,
// addresses, routes, namespaces and tables the model expects; install actions say which files, with
// the sha256 manifest.json records. Pure: no I/O.
import { sha256 } from "../bundles/manifest.js";
import type { HostPlan } from "../plan/by-host.js";
import { filesPath } from "../plan/files.js";
import { modeText } from "../plan/actions.js";
import type { Artifact, Check, Phase } from "../plan/types.js";
import type { Site } from "../resolve/site.js";

/** One fact per line of drift.sh's model: kind, phase, then the kind's fields ("-": the host itself, no namespace). */
export type DriftLine = [kind: string, phase: Phase, ...fields: string[]];

/** Where a check says something is: namespace and link, or undefined when it says nothing drift compares. */
function fromCheck(c: Check): DriftLine[] {
  const p = c.phase ?? "verify";
  const [a = "", b = "", d = ""] = c.args;
  switch (c.fn) {
    case "check_vlan": return [["vlan", p, a, b, d], ["owned", p, "-", a]];
    case "check_addr": return [["addr", p, "-", a, b]];
    case "check_admin_up": return [["link", p, "-", a]];
    case "check_bridge_port": return [["link", p, "-", a], ["master", p, "-", a, b], ["owned", p, "-", a]];
    case "check_netns": return [["ns", p, a]];
    case "check_ns_up": return [["link", p, a, b], ["owned", p, a, b]];
    case "check_ns_addr": return [["addr", p, a, b, d]];
    case "check_ns_route": return [["route", p, a, b, d]];
    case "check_default_via": return [["route", p, "-", "default", a]];
    case "check_ns_nft": return [["table", p, a, b, d]];
    default: return [];
  }
}

/** Addresses and routes a failover manager adds on whichever member is active: allowed, never extra. */
function haAllowances(site: Site, host: string): DriftLine[] {
  return site.vrouters.filter((v) => v.ha && v.members.some((m) => m.host === host)).flatMap((v): DriftLine[] => [
    ["allow-addr", "runtime", v.namespace, v.management.link, v.management.vipAddr],
    ["allow-addr", "runtime", v.namespace, v.public.link, v.public.vipAddr],
    ["allow-route", "runtime", v.namespace, "default", v.gateway],
  ]);
}

/** The nftables file each owned table is loaded from (hosts/<host>/nftables-<router>.nft). */
function tableFiles(site: Site, host: string): Map<string, string> {
  return new Map(site.vrouters.filter((v) => v.members.some((m) => m.host === host)).map((v) => [v.namespace, `nftables-${v.name}.nft`]));
}

export function driftModel(site: Site, plan: HostPlan, artifacts: Map<string, Artifact>, host: string): DriftLine[] {
  const checks = [...plan.steps.flatMap((s) => s.verify.map((c) => ({ ...c, phase: s.phase }))), ...plan.checks];
  const files = tableFiles(site, host);
  const lines = checks.flatMap(fromCheck).map((l): DriftLine => (l[0] === "table" ? [...l, files.get(l[2]!) ?? "-"] : l));
  for (const s of plan.steps) {
    for (const a of s.apply) {
      if (a.kind === "secret") lines.push(["secret", s.phase, a.dest]);
      if (a.kind !== "install") continue;
      const art = artifacts.get(filesPath(host, a.dest));
      if (art) lines.push(["file", s.phase, a.dest, modeText(a.mode), sha256(art.content)]);
    }
  }
  const seen = new Set<string>();
  return [...lines, ...haAllowances(site, host)].filter((l) => {
    const k = [l[0], ...l.slice(2)].join(" ");
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
