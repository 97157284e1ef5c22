// The Ansible hand-off, rendered from the plan (so every target gets it): out/<site>/ansible/ with an
// inventory, apply.yml and rollback.yml, per-host task files, and checks.sh. Files to install are
// copied from hosts/<host>/files/, never rendered again. Gates are enforced by the plays: the audit
// runs first on every host and any STOP ends the run; before the first change the play requires
// -e approve=<sha256 of manifest.json>, which lists the sha256 of every other generated file.
import { byHost } from "../plan/by-host.js";
import type { Artifact, Plan } from "../plan/types.js";
import { headerText } from "../render/header.js";
import { render } from "../render/hbs.js";
import { toYaml } from "../render/yaml.js";
import type { Site } from "../resolve/site.js";
import { hostApplyTasks, hostRollbackTasks } from "./ansible-hosts.js";
import { applyPlaybook, groupName, rollbackPlaybook } from "./ansible-plays.js";

const DIR = "ansible";

/** A YAML document: the header, what it is for, then the body through the one YAML emitter. */
function yamlFile(site: Site, name: string, purpose: string[], body: unknown): Artifact {
  const comments = [headerText(site), ...purpose].map((l) => (l ? `# ${l}` : "#")).join("\n");
  return { path: `${DIR}/${name}`, content: `---\n${comments}\n${toYaml(body)}`, mode: 0o644 };
}

function inventory(site: Site): unknown {
  const hosts = Object.fromEntries(site.hosts.map((h) => [h.name, { ansible_host: h.management }]));
  return { all: { vars: { sitegen_root: "/" }, children: { [groupName(site)]: { hosts } } } };
}

const VARS = {
  sitegen_out: "{{ playbook_dir | dirname }}",
  sitegen_manifest: "{{ sitegen_out }}/manifest.json",
  sitegen_token: "{{ lookup('ansible.builtin.file', sitegen_manifest, rstrip=false) | hash('sha256') }}",
  sitegen_prefix: "{{ sitegen_root | default('/') | regex_replace('/+$', '') }}",
  sitegen_not_approved: "Not approved: this play {{ sitegen_action }}.",
  sitegen_stale: "approve={{ approve | default('') }} is not the sha256 of {{ sitegen_manifest }}: the output changed since it was approved (or a typo).",
  sitegen_howto: "Review {{ sitegen_out }}/REVIEW.md and the diff of {{ sitegen_out }}, then approve exactly this output:",
  sitegen_howto_cmd: "-e approve=$(sha256sum {{ sitegen_manifest }} | cut -d' ' -f1)",
};

export function ansibleFiles(site: Site, plan: Plan): Artifact[] {
  const header = headerText(site);
  const files: Artifact[] = [
    yamlFile(site, "inventory.yml", [
      "Hosts of the site; ansible_host is each host's management address.",
      "sitegen_root: where files the plan installs are written (tests point it at a temporary root).",
    ], inventory(site)),
    yamlFile(site, "vars.yml", ["Shared by the plays. The approval token is the sha256 of manifest.json (which is not in the manifest)."], { sitegen_site: site.name, ...VARS }),
    yamlFile(site, "apply.yml", [
      "Audit every host (any STOP ends the run), require the approval of exactly this output, then apply",
      "every step (probe, apply what is missing, verify; on failure undo the started steps), then verify.",
      "  dry run:  ansible-playbook -i inventory.yml apply.yml --check --diff",
      "  apply:    ansible-playbook -i inventory.yml apply.yml -e approve=$(sha256sum ../manifest.json | cut -d' ' -f1)",
      "Tags: audit, runtime, persist, services, nodes, verify.",
    ], applyPlaybook(site, plan)),
    yamlFile(site, "rollback.yml", [
      "The inverse of every step, newest first, behind the same approval gate as apply.yml:",
      "  ansible-playbook -i inventory.yml rollback.yml -e approve=$(sha256sum ../manifest.json | cut -d' ' -f1)",
    ], rollbackPlaybook(site, plan)),
    { path: `${DIR}/checks.sh`, content: render("ansible/checks.sh", { header }), mode: 0o755 },
    { path: `${DIR}/ansible.cfg`, content: render("ansible/ansible.cfg", { header, site: site.name }), mode: 0o644 },
    { path: `${DIR}/.yamllint`, content: render("ansible/yamllint", { header }), mode: 0o644 },
  ];
  const words: Artifact[] = [];
  const forHost = byHost(plan);
  for (const h of site.hosts) {
    const steps = forHost(h.name).steps;
    files.push(yamlFile(site, `tasks/${h.name}-apply.yml`, [`Host ${h.name}: included by apply.yml.`], hostApplyTasks(h.name, steps, words)));
    files.push(yamlFile(site, `tasks/${h.name}-rollback.yml`, [`Host ${h.name}: included by rollback.yml.`], hostRollbackTasks(h.name, steps, words)));
  }
  return [...files, ...words];
}
