// _template: the shape of a target, to copy (scripts/new-target.mjs NAME does it). Not in the
// registry. A target reads the resolved Site and returns what it adds: files (through installed(),
// so a file, its install and its removal cannot disagree), steps (each change with its verification
// and its inverse beside it), gates, final checks, decisions. It does no I/O and renders text only
// through its templates in templates/<name>/.
import { check } from "../../plan/checks.js";
import { daemonReload, unitOp, type UnitServes } from "../../plan/actions.js";
import { installed } from "../../plan/files.js";
import type { Artifact, Step } from "../../plan/types.js";
import { headerText } from "../../render/header.js";
import { render } from "../../render/hbs.js";
import type { Host, Site } from "../../resolve/site.js";
import type { Target } from "../target.js";

const UNIT = "sitegen-example.service";
const unitPath = `/etc/systemd/system/${UNIT}`;
/** What the unit keeps alive: the disruption rating of starting and stopping it reads this. */
const serves: UnitServes = { kind: "daemon", what: "the example" };

/** One host's step and the files it installs. */
function hostStep(site: Site, h: Host): { step: Step; artifacts: Artifact[] } {
  // the view-model holds the logic; templates/_template/example.service.hbs only places it
  const unit = installed(h.name, unitPath, render("_template/example.service", { header: headerText(site), host: h.name }));
  const step: Step = {
    id: `example-${h.name}`,
    host: h.name,
    phase: "persist",
    title: `install and enable ${UNIT}`,
    apply: [unit.install, daemonReload, unitOp("enable", UNIT, { now: true, serves })],
    verify: [check("unit", { unit: UNIT })],
    inverse: [unitOp("disable", UNIT, { now: true, onlyIfInstalled: true, serves }), unit.remove, daemonReload],
  };
  return { step, artifacts: [unit.artifact] };
}

export const template: Target = {
  name: "_template",
  summary: "an example: one systemd unit per host, installed, enabled and verified, with its inverse",
  // the real programs that check its files (test/unit/targets/checker-coverage.test.ts holds it to this)
  checkedBy: ["systemd-analyze"],
  plan: (site) => {
    const made = site.hosts.map((h) => hostStep(site, h));
    return { steps: made.map((m) => m.step), artifacts: made.flatMap((m) => m.artifacts) };
  },
};
