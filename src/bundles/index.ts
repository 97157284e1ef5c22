// Bundles render the whole plan into a hand-off format (scripts, runbook, ...). One row each.
import type { Artifact, Plan } from "../plan/types.js";
import type { Site } from "../resolve/site.js";
import { byHost } from "../plan/by-host.js";
import { ansibleFiles } from "./ansible.js";
import { review } from "./review.js";
import { hostScripts } from "./shell.js";
import { driftScripts } from "../drift/bundle.js";

export interface Bundle { name: string; render(site: Site, plan: Plan): Artifact[] }

export const BUNDLES: readonly Bundle[] = [
  { name: "shell", render: (site, plan) => { const forHost = byHost(plan); return site.hosts.flatMap((h) => hostScripts(site, forHost(h.name), h.name)); } },
  { name: "drift", render: driftScripts },
  { name: "review", render: review },
  { name: "ansible", render: ansibleFiles },
];
