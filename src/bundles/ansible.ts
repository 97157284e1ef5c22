// The Ansible hand-off, rendered from the plan (so every target gets it): out/<site>/ansible/ with an
// inventory whose groups are the site's tiers, apply.yml and rollback.yml (plays ordered across the
// tiers), each host's steps as data (host_vars/<host>.yml) for the one generic role, which is the
// engine's (out/engine/ansible/roles/sitegen_host, src/bundles/engine.ts) like checks.sh and lib.sh,
// staged on each host. Files to install are copied from hosts/<host>/files/,
// never rendered again. Gates are enforced by the plays: the audit runs first on every host and any
// STOP ends the run; before the first change the play requires -e approve=<the output's token>, the
// digest of manifest.json and every file it lists (engine token.sh).
import { APPROVE_FROM_PLAYBOOKS, ROLES_FROM_CFG } from "./engine-paths.js";
import { byHost } from "../plan/by-host.js";
import type { Artifact, Plan } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import { toYaml } from "../render/yaml.js";
import type { Site } from "../resolve/site.js";
import { stepsData } from "./ansible-data.js";
import { applyPlaybook, groupName, rollbackPlaybook, tierGroup, tiers } from "./ansible-plays.js";
import { holderData } from "./ansible-holder.js";
import { servesData } from "./ansible-serves.js";

const DIR = "ansible";

/** A YAML document: the header, what it is for, then the body through the one YAML emitter. */
function yamlFile(site: Site, name: string, purpose: string[], body: unknown, flowWidth = 0): Artifact {
  const comments = [headerText(site), ...purpose].map((l) => (l ? `# ${l}` : "#")).join("\n");
  return { path: `${DIR}/${name}`, content: `---\n${comments}\n${toYaml(body, flowWidth)}`, mode: 0o644 };
}

function inventory(site: Site): unknown {
  const mgmt = new Map(site.hosts.map((h) => [h.name, h.management]));
  const t = tiers(site);
  const children = Object.fromEntries(
    (["gateways", "routers", "nodes"] as const)
      .filter((k) => t[k].length)
      .map((k) => [tierGroup(site, k), { hosts: Object.fromEntries(t[k].map((h) => [h, { ansible_host: mgmt.get(h)! }])) }]),
  );
  return { all: { vars: { sitegen_root: "/" }, children: { [groupName(site)]: { children } } } };
}

function playbooks(site: Site, plan: Plan): Artifact[] {
  return [
    yamlFile(
      site,
      "apply.yml",
      [
        "Audit every host (any STOP ends the run) and require the approval of exactly this output; then the",
        "gateways and routers, a gate that the routers serve, the nodes in rolling batches, and verify last.",
        "Each host runs its steps (probe, apply what is missing, verify; on failure undo the started steps).",
        "  dry run:  ansible-playbook -i inventory.yml apply.yml --check --diff",
        `  apply:    ansible-playbook -i inventory.yml apply.yml ${APPROVE_FROM_PLAYBOOKS}`,
        "  from a session the change may cut: add -e confirm_within=SECONDS (each host arms its own revert of this run's",
        "  steps and the run confirms it over a new session after verify; a lost session is waited for, not fatal)",
        "Tags: audit, runtime, persist, services, nodes, verify.",
      ],
      applyPlaybook(site, plan),
    ),
    // a site where sitegen changes nothing has nothing to roll back
    ...(plan.steps.length
      ? [
          yamlFile(
            site,
            "rollback.yml",
            [
              "The inverse of every step, newest first, nodes first and routers last, behind the same approval gate:",
              `  ansible-playbook -i inventory.yml rollback.yml ${APPROVE_FROM_PLAYBOOKS}`,
            ],
            rollbackPlaybook(site),
          ),
        ]
      : []),
  ];
}

/** host_vars' lines: a list or map that fits on one line is written on it, up to the 200 columns .yamllint allows. */
const HOST_VARS_WIDTH = 200;

export function* ansibleFiles(site: Site, plan: Plan): Generator<Artifact> {
  const header = headerText(site);
  const files: Artifact[] = [
    yamlFile(
      site,
      "inventory.yml",
      [
        "Hosts of the site by tier (gateways, routers, nodes); ansible_host is each host's management address.",
        "sitegen_root: where files the plan installs are written (tests point it at a temporary root).",
        "The plays read the rest of their variables from the engine's ansible/vars.yml (the same for every site).",
      ],
      inventory(site),
    ),
    ...playbooks(site, plan),
    { path: `${DIR}/ansible.cfg`, content: render("ansible/ansible.cfg", { header, site: site.name, roles: ROLES_FROM_CFG }), mode: 0o644 },
    { path: `${DIR}/.yamllint`, content: render("ansible/yamllint", { header }), mode: 0o644 },
  ];
  const words: Artifact[] = [];
  const forHost = byHost(plan);
  for (const h of site.hosts) {
    const data = { sitegen_steps: stepsData(h.name, forHost(h.name).steps, words), ...servesData(site, h.name), ...holderData(site, h.name) };
    yield yamlFile(
      site,
      `host_vars/${h.name}.yml`,
      [`Host ${h.name}: its steps as data for roles/sitegen_host (the same role for every host),`, "an action a line (its checks: host.sh check N)."],
      data,
      HOST_VARS_WIDTH,
    );
  }
  yield* files;
  yield* words;
}
