// gen plan --from: the transition between two builds of a site, as a summary and reviewable files. Pure.
import type { Build } from "../compile.js";
import { cutsSession, DISRUPTION_TEXT, disruptionContext, recommendedWindow } from "../plan/disruption.js";
import { filesPath } from "../plan/files.js";
import type { Artifact } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import { diffHost, type Side, type StepChange } from "./diff.js";
import { hostTransition } from "./render.js";

export interface Transition { hosts: Array<{ host: string; changes: StepChange[] }>; files: Artifact[]; summary: string }

const KIND_ORDER = ["removed", "changed", "added", "reset"] as const;

function summaryText(label: string, hosts: Transition["hosts"]): string {
  if (!hosts.length) return `no step changes from ${label}\n`;
  return hosts.map(({ host, changes }) => {
    const count = KIND_ORDER.map((k) => `${changes.filter((c) => c.kind === k).length} ${k}`).join(", ");
    const cls = (c: StepChange) => `${DISRUPTION_TEXT[c.cls.cls]}${c.cls.cls === "none" ? "" : `: ${c.cls.why}`}`;
    const rows = changes.map((c) => `  ${c.kind.padEnd(8)} ${c.phase.padEnd(8)} ${c.id}  [${cls(c)}]`);
    return [`host ${host}: ${count}`, ...rows].join("\n");
  }).join("\n") + `\nrun order: ${hosts.map((h) => h.host).join(", ")}\n`;
}

/** Hosts where a VIP goes away run before hosts where one arrives: never two holders of one address. */
function runOrder(hosts: Transition["hosts"]): Transition["hosts"] {
  const losesVip = (h: Transition["hosts"][number]) => h.changes.some((c) => c.dropsVip);
  return [...hosts.filter(losesVip), ...hosts.filter((h) => !losesVip(h))];
}

export function transition(from: Build, to: Build, label: string): Transition {
  const side = (b: Build, host: string): Side => {
    const files = new Map(b.files.map((f) => [f.path, f.content]));
    return { steps: b.plan.steps.filter((s) => s.host === host), ctx: disruptionContext(b.site), file: (h, d) => files.get(filesPath(h, d)) };
  };
  const names = [...new Set([...from.site.hosts, ...to.site.hosts].map((h) => h.name))].sort();
  const hosts = runOrder(names.map((host) => ({ host, changes: diffHost(side(from, host), side(to, host)) })).filter((h) => h.changes.length));
  const review = render("transition/REVIEW.md", {
    header: headerText(to.site), site: to.site.name, label, order: hosts.map((h) => h.host).join(", "),
    hosts: hosts.map(({ host, changes }) => ({
      host, window: recommendedWindow(changes.length),
      cutting: changes.filter((c) => cutsSession(c.cls.cls)).map((c) => c.id),
      rows: changes.map((c) => ({ kind: c.kind, id: c.id, phase: c.phase, cls: DISRUPTION_TEXT[c.cls.cls], why: c.cls.why, title: c.title })),
    })),
  });
  const files = [{ path: "REVIEW.md", content: review, mode: 0o644 as const }, ...hosts.flatMap((h) => hostTransition(from, to, h.host, h.changes, label))];
  return { hosts, files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), summary: summaryText(label, hosts) };
}
