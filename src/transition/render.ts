// A transition as files: per host, one host.sh whose apply runs the old inverses of what goes, newest
// first, then the new applies of what comes, in plan order, each checkpointed, and whose rollback is the
// reverse transition (the new inverses, then the old applies again); its audit is the old version's drift
// report (a member that joins: the new version's gates), its verify the new version's checks. Rendered by
// the same template as a site's host.sh; old installs come from files-from/, new ones from files/.
import type { Build } from "../compile.js";
import { filesPath } from "../plan/files.js";
import { byHost } from "../plan/by-host.js";
import { type Action, type Artifact, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { actionLine, checkLine } from "../render/shell-lines.js";
import { hostSh, netplanCopies, stepVm, type StepVm } from "../bundles/shell.js";
import { driftModel } from "../drift/model.js";
import { updateActions } from "./daemon-change.js";
import type { StepChange } from "./diff.js";

/** An old step's apply, as the reverse transition runs it: its files are the old ones. */
const oldLine = (a: Action) => (a.kind === "install" ? `SITEGEN_FILES=files-from ${actionLine(a)}` : actionLine(a));

const undoVm = (s: Step): StepVm => ({
  id: `undo-${s.id}`,
  title: `undo ${s.id} (from): ${s.title}`,
  phase: s.phase,
  apply: s.inverse.map(actionLine),
  verify: [],
  inverse: s.apply.map(oldLine),
});

/** A daemon's step changed in place: the new files and the touch; its inverse puts the old files back with the same touch. */
function updateVm(c: StepChange): StepVm {
  const [s, t, touch] = [c.from!, c.to!, c.touch!];
  const what = touch.touch === "files" ? "new files only, the daemon is not touched" : `new files, then ${touch.touch} ${t.daemon!.unit}`;
  return {
    id: t.id,
    title: `${t.title} (in place: ${what})`,
    phase: t.phase,
    apply: updateActions(t, touch).map(actionLine),
    verify: t.verify.map(checkLine),
    inverse: updateActions(s, touch).map(oldLine),
  };
}

/** The forward order: undo old steps newest first, then apply the new ones in the new plan's order (an in-place change at its place). */
export function transitionVms(changes: StepChange[], to: Step[]): StepVm[] {
  const undo = changes
    .filter((c) => c.kind !== "added" && !c.touch)
    .map((c) => c.from!)
    .reverse()
    .map(undoVm);
  const byId = new Map(changes.filter((c) => c.kind !== "removed").map((c) => [c.id, c]));
  return [...undo, ...to.filter((s) => byId.has(s.id)).map((s) => (byId.get(s.id)!.touch ? updateVm(byId.get(s.id)!) : stepVm(s)))];
}

/** Copies of the files the steps install: new ones under files/, old ones under files-from/. */
function copies(build: Build, host: string, steps: Step[], dir: string): Artifact[] {
  const byPath = new Map(build.files.map((f) => [f.path, f]));
  const names = [...new Set(steps.flatMap((s) => s.apply.flatMap((a) => (a.kind === "install" ? [a.src] : []))))];
  return names.map((n) => ({ ...byPath.get(filesPath(host, n))!, path: `hosts/${host}/${dir}/${n}` }));
}

/**
 * The transition's host.sh: the gate is that the host is exactly the old version (its drift report, the old
 * model) before anything changes; a host the old version did not have (a member that joins) must pass the new
 * version's preflight audit instead. Its verify is the new version's checks.
 */
function transitionSh(from: Build, to: Build, host: string, steps: StepVm[], label: string): Artifact {
  const old = from.site.hosts.some((h) => h.name === host);
  const plan = byHost(old ? from.plan : to.plan)(host);
  const model = old ? driftModel(from.site, plan, new Map(from.plan.artifacts.map((a) => [a.path, a])), host).map((l) => l.join(" ")) : undefined;
  const checks = byHost(to.plan)(host).checks;
  const header = `${headerText(to.site)}; transition from ${label}`;
  return hostSh({
    header,
    host,
    steps,
    checks,
    transition: label,
    ...(model ? { model, gates: [], decisions: [], netplan: [] } : { gates: plan.gates, decisions: plan.decisions, netplan: netplanCopies(plan.steps) }),
  });
}

export function hostTransition(from: Build, to: Build, host: string, changes: StepChange[], label: string): Artifact[] {
  const dir = `hosts/${host}`;
  const toSteps = to.plan.steps.filter((s) => s.host === host);
  const fromSteps = changes.flatMap((c) => (c.kind !== "added" ? [c.from!] : []));
  const tables = from.files.filter((f) => f.path.startsWith(`${dir}/nftables-`));
  return [
    transitionSh(from, to, host, transitionVms(changes, toSteps), label),
    ...tables,
    ...copies(
      to,
      host,
      toSteps.filter((s) => changes.some((c) => c.id === s.id && c.kind !== "removed")),
      "files",
    ),
    ...copies(from, host, fromSteps, "files-from"),
  ];
}
