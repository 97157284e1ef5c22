// A transition as files: per host, apply.sh (the old inverses of what goes, newest first, then the
// new applies of what comes, in plan order, each checkpointed) and rollback.sh, which is the reverse
// transition (the new inverses, then the old applies again). Rendered by the same templates as a
// site's scripts; old installs come from files-from/, new ones from files/.
import type { Build } from "../compile.js";
import { filesPath } from "../plan/files.js";
import { PHASES, type Action, type Artifact, type Step } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import { actionLine, checkLine } from "../render/shell-lines.js";
import { updateActions } from "./daemon-change.js";
import type { StepChange } from "./diff.js";

interface StepVm { id: string; title: string; phase: string; apply: string[]; verify: string[]; inverse: string[] }

/** An old step's apply, as the reverse transition runs it: its files are the old ones. */
const oldLine = (a: Action) => (a.kind === "install" ? `SITEGEN_FILES=files-from ${actionLine(a)}` : actionLine(a));

const undoVm = (s: Step): StepVm => ({
  id: `undo-${s.id}`, title: `undo ${s.id} (from): ${s.title}`, phase: s.phase,
  apply: s.inverse.map(actionLine), verify: [], inverse: s.apply.map(oldLine),
});
const applyVm = (s: Step): StepVm => ({
  id: s.id, title: s.title, phase: s.phase, apply: s.apply.map(actionLine), verify: s.verify.map(checkLine), inverse: s.inverse.map(actionLine),
});

/** A daemon's step changed in place: the new files and the touch; its inverse puts the old files back with the same touch. */
function updateVm(c: StepChange): StepVm {
  const [s, t, touch] = [c.from!, c.to!, c.touch!];
  const what = touch.touch === "files" ? "new files only, the daemon is not touched" : `new files, then ${touch.touch} ${t.daemon!.unit}`;
  return {
    id: t.id, title: `${t.title} (in place: ${what})`, phase: t.phase,
    apply: updateActions(t, touch).map(actionLine), verify: t.verify.map(checkLine), inverse: updateActions(s, touch).map(oldLine),
  };
}

/** The forward order: undo old steps newest first, then apply the new ones in the new plan's order (an in-place change at its place). */
export function transitionVms(changes: StepChange[], to: Step[]): StepVm[] {
  const undo = changes.filter((c) => c.kind !== "added" && !c.touch).map((c) => c.from!).reverse().map(undoVm);
  const byId = new Map(changes.filter((c) => c.kind !== "removed").map((c) => [c.id, c]));
  return [...undo, ...to.filter((s) => byId.has(s.id)).map((s) => (byId.get(s.id)!.touch ? updateVm(byId.get(s.id)!) : applyVm(s)))];
}

/** Copies of the files the steps install: new ones under files/, old ones under files-from/. */
function copies(build: Build, host: string, steps: Step[], dir: string): Artifact[] {
  const byPath = new Map(build.files.map((f) => [f.path, f]));
  const dests = [...new Set(steps.flatMap((s) => s.apply.flatMap((a) => (a.kind === "install" ? [a.dest] : []))))];
  return dests.map((d) => ({ ...byPath.get(filesPath(host, d))!, path: `hosts/${host}/${dir}${d}` }));
}

export function hostTransition(from: Build, to: Build, host: string, changes: StepChange[], label: string): Artifact[] {
  const dir = `hosts/${host}`;
  const toSteps = to.plan.steps.filter((s) => s.host === host);
  const fromSteps = changes.flatMap((c) => (c.kind !== "added" ? [c.from!] : []));
  const steps = transitionVms(changes, toSteps);
  const phases = PHASES.filter((p) => steps.some((s) => s.phase === p));
  const header = `${headerText(to.site)}; transition from ${label}`;
  const vm = { header, host, steps, phases, phaseList: phases.join("|") || "(none)" };
  const pick = (b: Build, name: string, as = name) => b.files.filter((f) => f.path === `${dir}/${name}`).map((f) => ({ ...f, path: `${dir}/${as}` }));
  const tables = from.files.filter((f) => f.path.startsWith(`${dir}/nftables-`));
  return [
    { path: `${dir}/apply.sh`, content: render("shell/apply.sh", vm), mode: 0o755 },
    { path: `${dir}/rollback.sh`, content: render("shell/rollback.sh", vm), mode: 0o755 },
    { path: `${dir}/confirm.sh`, content: render("shell/confirm.sh", { header, host }), mode: 0o755 },
    // the gate: the host must be exactly the old version (its drift report) before anything changes; a host
    // the old version did not have (a member that joins) must pass the new version's preflight audit instead
    ...(from.site.hosts.some((h) => h.name === host) ? pick(from, "drift.sh", "audit.sh") : pick(to, "audit.sh")), ...tables, ...pick(to, "verify.sh"),
    ...copies(to, host, toSteps.filter((s) => changes.some((c) => c.id === s.id && c.kind !== "removed")), "files"),
    ...copies(from, host, fromSteps, "files-from"),
  ];
}
