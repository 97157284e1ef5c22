// hosts/<host>/drift.sh: the drift report, with the host's model (src/drift/model.ts) inlined.
import { byHost } from "../plan/by-host.js";
import { PHASES, type Artifact, type Plan } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import type { Site } from "../resolve/site.js";
import { driftModel } from "./model.js";

export function* driftScripts(site: Site, plan: Plan): Generator<Artifact> {
  const forHost = byHost(plan);
  const artifacts = new Map(plan.artifacts.map((a) => [a.path, a]));
  const header = headerText(site);
  for (const h of site.hosts) {
    const hp = forHost(h.name);
    const phases = PHASES.filter((p) => hp.steps.some((s) => s.phase === p));
    const model = driftModel(site, hp, artifacts, h.name).map((l) => l.join(" "));
    const vm = { header, host: h.name, phases, phaseList: phases.join("|") || "(none)", model };
    yield { path: `hosts/${h.name}/drift.sh`, content: render("shell/drift.sh", vm), mode: 0o755 };
  }
}
