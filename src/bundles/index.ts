// Bundles render the whole plan into a hand-off format (scripts, runbook, ...). One row each.
import type { Artifact, Plan } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { byHost } from "../plan/by-host.js";
import { ansibleFiles } from "./ansible.js";
import { reviewFiles } from "./review.js";
import { hostScripts } from "./shell.js";

/** A bundle's files, made one host at a time where it can (the output is written and dropped as it comes). */
export interface Bundle {
  name: string;
  render(site: Site, plan: Plan): Iterable<Artifact>;
}

function* shell(site: Site, plan: Plan): Generator<Artifact> {
  const forHost = byHost(plan);
  const artifacts = new Map(plan.artifacts.map((a) => [a.path, a]));
  for (const h of site.hosts) yield* hostScripts(site, forHost(h.name), h.name, artifacts);
}

export const BUNDLES: readonly Bundle[] = [
  { name: "shell", render: shell },
  { name: "review", render: reviewFiles },
  { name: "ansible", render: ansibleFiles },
];
