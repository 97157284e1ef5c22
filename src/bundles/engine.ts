// The engine: what runs any host's plan, written once per output tree (out/engine/) and the same for
// every host and site: the shell library every host script sources (lib.sh: action helpers, checks,
// the audit's owner-gate helpers, confirm-or-revert, the audit stamp, the drift report), checks.sh
// (the checks as Ansible's probes) and the Ansible role. Nothing here reads a site, so a site's diff
// is its own facts, and a change to the engine is one diff for the whole tree.
import { CHECK_FNS, type Artifact } from "../plan/types.js";
import { GATES } from "../plan/gates.js";
import { render } from "../render/hbs.js";
import { roleFiles } from "./ansible-role.js";
import { auditTasks } from "./ansible-plays.js";
import { servesTasks, servesVerdict } from "./ansible-serves.js";
import { toYaml } from "../render/yaml.js";
import { manifestEntry, type ManifestEntry } from "./manifest.js";

import { ENGINE_FROM_SITE, ENGINE_HEADER } from "./engine-paths.js";

export { ENGINE, ENGINE_FROM_SITE } from "./engine-paths.js";

const ROLE = "ansible/roles/sitegen_host";
const AUDIT_HELPERS = [...new Set(Object.values(GATES).flatMap((g) => g.helper ?? []))].sort();

const yamlFile = (path: string, what: string, body: unknown): Artifact =>
  ({ path, content: `---\n# ${ENGINE_HEADER}\n# ${what} The same for every host: its data is host_vars/<host>.yml.\n${toYaml(body)}`, mode: 0o644 });

function build(): Artifact[] {
  const header = ENGINE_HEADER;
  const lib = render("shell/lib.sh", { header, helpers: ["install_file", "remove_file", "install_secret"], checks: CHECK_FNS, audit: AUDIT_HELPERS });
  return [
    { path: "lib.sh", content: lib, mode: 0o644 },
    { path: "checks.sh", content: render("ansible/checks.sh", { header }), mode: 0o755 },
    ...roleFiles({ tasks: servesTasks(), after: servesVerdict() }, auditTasks()).map((f) => yamlFile(`${ROLE}/${f.path}`, f.what, f.body)),
    { path: `${ROLE}/files/serves.py`, content: render("ansible/serves.py", { header }), mode: 0o755 },
  ];
}

let cached: Artifact[] | undefined;
/** out/engine/'s files, by path: rendered once per process (they depend on nothing but sitegen itself). */
export const engineFiles = (): Artifact[] => (cached ??= build().sort((a, b) => (a.path < b.path ? -1 : 1)));

let entries: ManifestEntry[] | undefined;
/** The engine's lines in every site's manifest.json (paths from the site's folder): the approval covers the engine too. */
export const engineEntries = (): ManifestEntry[] =>
  (entries ??= engineFiles().map((f) => manifestEntry({ ...f, path: `${ENGINE_FROM_SITE}/${f.path}` })));
