// Boot persistence for every virtual router member (issue: the router must survive a reboot): a
// oneshot unit that runs boot.sh, which replays this member's runtime steps (namespace, legs,
// addresses, routes, forwarding, NAT) exactly as host.sh apply runs them, ordered after the bridges'
// owners and before everything that lives in the namespace (dnsmasq, NTP, keepalived, conntrackd,
// and Pacemaker, which then finds the namespace its netns check looks for).
import { check } from "../../plan/checks.js";
import { daemonReload, readsInstalledFile, unitOp, type UnitServes } from "../../plan/actions.js";
import { installed } from "../../plan/files.js";
import type { Artifact, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import { actionLine } from "../../render/shell-lines.js";
import type { Site } from "../../resolve/site.js";
import type { Vrouter, VrouterMember } from "../../resolve/vrouter.js";
import { memberSteps } from "../netns/index.js";
import { configDir, unitName, unitPath } from "../netns/service.js";
import { ordering } from "../systemd/index.js";
import { reviewLines, type Target } from "../target.js";

export const bootUnit = (v: Vrouter) => unitName(v, "boot");
export const bootScript = (v: Vrouter) => `${configDir(v)}/boot.sh`;
/** How long the unit waits for a bridge its owner has not created yet. */
const WAIT_SECONDS = 60;

/** The units that run inside the namespace on this member: they start after it exists. */
export function namespaceUnits(v: Vrouter): string[] {
  const daemons = [
    ...(v.dns ? ["dnsmasq"] : []),
    ...(v.ntp ? [v.ntp.daemon] : []),
    ...(v.ha ? ["conntrackd"] : []),
    ...(v.ha?.manager === "keepalived" ? ["keepalived"] : []),
  ];
  return [...daemons.map((d) => unitName(v, d)), ...(v.ha?.manager === "pacemaker" ? ["pacemaker.service"] : [])];
}

/** The boot order on this member, for the unit's ordering and for REVIEW.md. */
export function bootOrder(v: Vrouter, m: VrouterMember): { after: string[]; wants: string[]; bridges: string[]; before: string[] } {
  const bridges = [...new Set([m.bridges.management, m.bridges.public].map((b) => b.name))];
  const owners = [m.bridges.management, m.bridges.public].map(ordering);
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    after: uniq(owners.flatMap((o) => o.after)),
    wants: uniq(owners.flatMap((o) => [...o.wants, ...o.requires])),
    bridges,
    before: namespaceUnits(v),
  };
}

function files(site: Site, v: Vrouter, m: VrouterMember) {
  const header = headerText(site);
  const runtime = memberSteps(v, m);
  const steps = runtime.map((s) => ({ title: s.title, apply: s.apply.map(actionLine) }));
  // a command naming an installed file reads it below $root, which is the real root at boot
  const rooted = runtime.some((s) => s.apply.some(readsInstalledFile));
  const script = render("vrouter-boot/boot.sh", { header, router: v.name, host: m.host, unit: bootUnit(v), steps, rooted });
  const unit = render("vrouter-boot/boot.service", {
    header,
    router: v.name,
    namespace: v.namespace,
    script: bootScript(v),
    wait: WAIT_SECONDS,
    ...bootOrder(v, m),
  });
  return { script: installed(m.host, bootScript(v), script, 0o755), unit: installed(m.host, unitPath(bootUnit(v)), unit) };
}

/** Its start replays the runtime steps, which hold already (each is idempotent); its stop changes nothing. */
const replay = (v: Vrouter): UnitServes => ({ kind: "replay", what: `replays ${v.name}'s runtime steps` });

function bootStep(site: Site, v: Vrouter, m: VrouterMember): { step: Step; artifacts: Artifact[] } {
  const f = files(site, v, m);
  const unit = bootUnit(v);
  const step: Step = {
    id: `vrouter-${v.name}-boot`,
    host: m.host,
    phase: "persist",
    title: `install and enable ${unit}, which recreates ${v.name}'s namespace ${v.namespace} (legs, addresses, routes, forwarding, NAT) at every boot`,
    apply: [f.script.install, f.unit.install, daemonReload, unitOp("enable", unit, { now: true, serves: replay(v) })],
    verify: [check("unit", { unit }), check("netns", { ns: v.namespace })],
    // stopping the unit leaves the live router alone (it has no ExecStop): the runtime inverses remove that
    inverse: [unitOp("disable", unit, { now: true, onlyIfInstalled: true, serves: replay(v) }), f.unit.remove, f.script.remove, daemonReload],
  };
  return { step, artifacts: [f.script.artifact, f.unit.artifact] };
}

export const vrouterBoot: Target = {
  name: "vrouter-boot",
  summary:
    "boot persistence for each virtual router member: a oneshot unit replaying the runtime steps, " +
    "after the bridges' owners, before the namespace's services",
  checkedBy: ["shellcheck", "systemd-analyze"],
  plan: (site) => {
    const made = site.vrouters.flatMap((v) => v.members.map((m) => bootStep(site, v, m)));
    // what the boot unit waits for and what waits for it (text: templates/vrouter-boot/review-notes.hbs)
    const notes = site.vrouters.flatMap((v) =>
      v.members.flatMap((m) => reviewLines(m.host, "vrouter-boot/review-notes", { unit: bootUnit(v), ...bootOrder(v, m) })),
    );
    return { steps: made.map((x) => x.step), artifacts: made.flatMap((x) => x.artifacts), notes };
  },
};
