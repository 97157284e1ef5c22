// The engine: what runs any host's plan, written once per output tree (out/engine/) and the same for
// every host and site: the shell library every host script sources (lib.sh: action helpers, checks,
// the audit's owner-gate helpers, confirm-or-revert, the audit stamp, the drift report), checks.sh
// (the checks as Ansible's probes) and the Ansible role. Nothing here reads a site, so a site's diff
// is its own facts, and a change to the engine is one diff for the whole tree.
import { CHECK_FNS, PHASES, type Artifact } from "../plan/types.js";
import { GATES } from "../plan/gates.js";
import { render } from "../render/hbs.js";
import { roleFiles } from "./ansible-role.js";
import { auditTasks } from "./ansible-plays.js";
import { servesTasks, servesVerdict } from "./ansible-serves.js";
import { toYaml } from "../render/yaml.js";
import { manifestEntry, type ManifestEntry } from "./manifest.js";

import { ENGINE_FROM_SITE, ENGINE_HEADER, TOKEN_SCRIPT } from "./engine-paths.js";

export { ENGINE, ENGINE_FROM_SITE } from "./engine-paths.js";

const ROLE = "ansible/roles/sitegen_host";

const STALE_HOW = "(git status or gen --check shows how)";

/** ansible/vars.yml: what every play of every site shares. */
const VARS = {
  sitegen_out: "{{ playbook_dir | dirname }}",
  // out/<site>/ is named after its site
  sitegen_site: "{{ sitegen_out | basename }}",
  sitegen_engine: `{{ sitegen_out }}/${ENGINE_FROM_SITE}`,
  sitegen_manifest: "{{ sitegen_out }}/manifest.json",
  // token.sh's digest: sha256sum's lines ("<sha256>  <path>") for manifest.json and each file it lists, in its order
  // (a newline by name: Ansible's templating keeps a \n written in an expression as two characters)
  sitegen_listed: "{{ ['manifest.json'] + (lookup('ansible.builtin.file', sitegen_manifest) | from_json).files | map(attribute='path') | list }}",
  sitegen_listed_at: "{{ sitegen_listed | map('regex_replace', '^', sitegen_out ~ '/') | list }}",
  sitegen_sums:
    "{{ query('ansible.builtin.file', *sitegen_listed_at, rstrip=false) | map('hash', 'sha256') | zip(sitegen_listed) | map('join', '  ') | list }}",
  sitegen_nl: "\n",
  sitegen_token: "{{ (sitegen_sums | join(sitegen_nl) ~ sitegen_nl) | hash('sha256') }}",
  sitegen_prefix: "{{ sitegen_root | default('/') | regex_replace('/+$', '') }}",
  sitegen_not_approved: "Not approved: this play {{ sitegen_action }}.",
  sitegen_stale: `approve={{ approve | default('') }} is not this output's token: {{ sitegen_out }} changed since it was approved ${STALE_HOW}, or a typo.`,
  sitegen_howto: "Review {{ sitegen_out }}/REVIEW.md and the diff of {{ sitegen_out }}, then approve exactly this output:",
  sitegen_howto_cmd: `-e approve=$(bash {{ sitegen_engine }}/${TOKEN_SCRIPT} {{ sitegen_out }})`,
  ansible_ssh_use_tty: false,
};

/** The phases a step can have, in apply order: what `host.sh COMMAND PHASE` takes besides all. */
const CHANGING_PHASES = PHASES.filter((p) => p !== "audit" && p !== "verify");
const AUDIT_HELPERS = [...new Set(Object.values(GATES).flatMap((g) => g.helper ?? []))].sort();

const yamlFile = (path: string, what: string, body: unknown): Artifact => ({
  path,
  content: `---\n# ${ENGINE_HEADER}\n# ${what} The same for every host: its data is host_vars/<host>.yml.\n${toYaml(body)}`,
  mode: 0o644,
});

const VARS_WHY =
  "# Shared by the plays. The approval token is token.sh's: the sha256 of sha256sum's lines for manifest.json and each file it lists.\n" +
  "# The role's raw commands get no terminal over ssh (no pager, stderr kept apart): ansible_ssh_use_tty.\n";

function build(): Artifact[] {
  const header = ENGINE_HEADER;
  const helpers = ["install_file", "remove_file", "install_secret"];
  const lib = render("shell/lib.sh", { header, helpers, checks: CHECK_FNS, audit: AUDIT_HELPERS, phaseNames: CHANGING_PHASES });
  return [
    { path: "lib.sh", content: lib, mode: 0o644 },
    { path: "ansible/vars.yml", content: `---\n# ${header}\n${VARS_WHY}${toYaml(VARS)}`, mode: 0o644 },
    { path: "checks.sh", content: render("ansible/checks.sh", { header }), mode: 0o755 },
    { path: TOKEN_SCRIPT, content: render("shell/token.sh", { header }), mode: 0o755 },
    ...roleFiles({ tasks: servesTasks(), after: servesVerdict() }, auditTasks()).map((f) => yamlFile(`${ROLE}/${f.path}`, f.what, f.body)),
    { path: `${ROLE}/files/serves.py`, content: render("ansible/serves.py", { header }), mode: 0o755 },
  ];
}

let cached: Artifact[] | undefined;
/** out/engine/'s files, by path: rendered once per process (they depend on nothing but sitegen itself). */
export const engineFiles = (): Artifact[] => (cached ??= build().sort((a, b) => (a.path < b.path ? -1 : 1)));

let entries: ManifestEntry[] | undefined;
/** The engine's lines in every site's manifest.json (paths from the site's folder): the approval covers the engine too. */
export const engineEntries = (): ManifestEntry[] => (entries ??= engineFiles().map((f) => manifestEntry({ ...f, path: `${ENGINE_FROM_SITE}/${f.path}` })));
