// Running the generated playbooks inside a network namespace, Molecule-style: connection local, the
// whole ansible-playbook process under `ip netns exec`, written files redirected to a test root.
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BUNDLES } from "../../src/bundles/index.js";
import { ENGINE, ENGINE_FROM_SITE, engineEntries, engineFiles } from "../../src/bundles/engine.js";
import { manifestEntry, manifestOf } from "../../src/bundles/manifest.js";
import { compile } from "../../src/compile.js";
import { writeSite } from "../../src/emit/write.js";
import { program } from "../../src/plan/actions.js";
import { check } from "../../src/plan/checks.js";
import { installed } from "../../src/plan/files.js";
import type { Artifact, Check, Plan, Step } from "../../src/plan/types.js";
import { shWords } from "../../src/render/shell-quote.js";
import { sh } from "./tools.js";

export interface Recap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}
export interface PlayResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  recap: Recap;
}

function recapOf(stdout: string, host: string): Recap {
  const m = new RegExp(
    `^${host}\\s+: ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=\\d+\\s+failed=(\\d+)\\s+skipped=(\\d+)\\s+rescued=(\\d+)\\s+ignored=(\\d+)`,
    "m",
  ).exec(stdout);
  if (!m) throw new Error(`no PLAY RECAP line for ${host}:\n${stdout}`);
  const [ok, changed, failed, skipped, rescued, ignored] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { ok, changed, failed, skipped, rescued, ignored };
}

/** The approval token, as an operator computes it: the engine's token.sh over out/<site>/. */
export function token(outSite: string): string {
  return sh(`bash ${join(outSite, ENGINE_FROM_SITE, "token.sh")} ${outSite}`).trim();
}

/** Runs a shell command line where the host is (a namespace); Netns.sh and Topology.sh fit. */
export type Exec = (script: string) => { code: number; stdout: string; stderr: string };

/** ansible-playbook where exec runs it; env carries PATH (a test double) and temp folders. */
export function playbook(
  exec: Exec,
  o: { outSite: string; book: "apply.yml" | "rollback.yml"; host: string; root: string; tmp: string; args?: string[]; path?: string },
): PlayResult {
  // The plays' scratch folders (tempfile) land here: it must be empty after every run, failed or not.
  const scratch = join(o.tmp, `scratch-${o.host}`);
  mkdirSync(scratch, { recursive: true });
  const env = [
    `TMPDIR=${scratch}`,
    "ANSIBLE_NOCOLOR=1",
    "ANSIBLE_PYTHON_INTERPRETER=auto_silent",
    "ANSIBLE_RETRY_FILES_ENABLED=0",
    `ANSIBLE_LOCAL_TEMP=${join(o.tmp, "ansible-local")}`,
    `ANSIBLE_REMOTE_TEMP=${join(o.tmp, "ansible-remote")}`,
    ...(o.path ? [`PATH=${o.path}:${process.env.PATH}`] : []),
    // the generated ansible.cfg, as from its folder (README): it points roles_path at the engine's role
    `ANSIBLE_CONFIG=${join(o.outSite, "ansible/ansible.cfg")}`,
  ];
  const argv = [
    "env",
    ...env,
    "ansible-playbook",
    "-i",
    join(o.outSite, "ansible/inventory.yml"),
    join(o.outSite, "ansible", o.book),
    "--limit",
    o.host,
    "-e",
    "ansible_connection=local",
    "-e",
    `sitegen_root=${o.root}`,
    ...(o.args ?? []),
  ];
  const t0 = performance.now();
  const r = exec(shWords(argv));
  const left = readdirSync(scratch);
  if (left.length) throw new Error(`scratch left behind in ${scratch}: ${left.join(", ")}\n${r.stdout}`);
  return { ...r, seconds: (performance.now() - t0) / 1000, recap: recapOf(r.stdout, o.host) };
}

// ---- The converge site: a plan this kernel can run ------------------------------------------------
// This kernel has no 8021q and no systemd as PID 1, so the jumphost's own steps (a VLAN sub-interface,
// a systemd unit) cannot converge here. The bundle renders any plan generically, so this site gives it
// one whose every action runs here, of the same kinds and shapes the real targets emit: a gateway leg
// on the bridge (macvlan instead of a VLAN: created with an unless guard, addressed, brought up;
// undone with a may-fail and an only-if guard), then an installed file plus a command (a sysctl.d drop-in
// and sysctl -w instead of a unit file and systemctl). Its audit has a real gate (G3: the bridge).

/** The converge inventory for hosts (each with virbr1, management 192.0.2.10 + i unless given). */
function convergeInventory(hosts: Array<{ name: string; management: string }>): string {
  return `site: converge
description: Ansible converge test site (test/helpers/ansible.ts); the test replaces its plan.
hosts:
${hosts.map((h) => `  - name: ${h.name}\n    management: ${h.management}\n    bridges:\n      - { name: virbr1, owner: unmanaged }\n`).join("")}networks:
  - name: provider-vip
    cidr: 10.12.8.0/22
    attach:
${hosts.map((h) => `      - { host: ${h.name}, bridge: virbr1 }\n`).join("")}`;
}

export const GW = "virbr1-gw";
const SYSCTL_FILE = "/etc/sysctl.d/60-sitegen-forwarding.conf";
/** The forwarding file: its copy in out/ and its install, as a target makes them. */
const sysctlFile = (host: string) => installed(host, SYSCTL_FILE, "# sitegen converge test\nnet.ipv4.ip_forward = 1\n");
const gwChecks: Check[] = [
  check("addr", { link: GW, cidr: "10.12.8.1/22" }),
  check("admin-up", { link: GW }),
  check("route", { cidr: "10.12.8.0/22", link: GW }),
];

const steps = (host: string): Step[] => [
  {
    id: "runtime-gw",
    host,
    phase: "runtime",
    title: `create ${GW} (macvlan on virbr1) with 10.12.8.1/22 and bring it up`,
    apply: [
      // a macvlan stands in for the VLAN link (this kernel has no 8021q): a test-only program
      program(
        ["ip", "link", "add", "link", "virbr1", "name", GW, "type", "macvlan", "mode", "bridge"],
        { cls: "additive", why: "test link" },
        { unless: { kind: "link", link: GW } },
      ),
      { kind: "addr-replace", link: GW, cidr: "10.12.8.1/22", family: 4 },
      { kind: "link-up", link: GW },
    ],
    verify: gwChecks,
    inverse: [
      program(["ip", "addr", "del", "10.12.8.1/22", "dev", GW], { cls: "gateway", why: "test gateway address" }, { mayFail: true }),
      { kind: "link-del", link: GW },
    ],
  },
  {
    id: "persist-forwarding",
    host,
    phase: "persist",
    title: `enable IPv4 forwarding now and at boot (${SYSCTL_FILE})`,
    apply: [sysctlFile(host).install, program(["sysctl", "-w", "net.ipv4.ip_forward=1"], { cls: "additive", why: "forwarding on" })],
    verify: [check("sysctl", { key: "net.ipv4.ip_forward", value: "1" })],
    inverse: [sysctlFile(host).remove, program(["sysctl", "-w", "net.ipv4.ip_forward=0"], { cls: "gateway", why: "forwarding off" })],
  },
];

/** The converge plan on every host; guest: a guest on virbr1 answers (the single-host test has one). */
function convergePlan(hosts: string[], guest: boolean): Plan {
  const checks = hosts.flatMap((host) => [
    ...gwChecks.map((c) => ({ ...c, host, title: `gateway ${GW}` })),
    { ...check("sysctl", { key: "net.ipv4.ip_forward", value: "1" }), host, title: "forwarding" },
    ...(guest ? [{ ...check("reachable", { address: "10.12.8.40" }), host, title: "a guest on virbr1 answers the gateway" }] : []),
  ]);
  return {
    gates: hosts.map((host) => ({
      host,
      id: "G3",
      kind: "bridge-detail",
      subject: "virbr1",
      title: "virbr1 is a bridge: detail and state",
      params: { bridge: "virbr1" },
    })),
    steps: hosts.flatMap(steps),
    checks,
    decisions: [],
    notes: [],
    tests: [],
    sections: [],
    artifacts: hosts.map((host) => sysctlFile(host).artifact),
  };
}

/** Writes out/converge (every bundle, then the manifest, as compile does) under outDir; returns its path. */
export function writeConvergeSite(outDir: string, hosts = [{ name: "gw", management: "192.0.2.10" }], guest = true): string {
  const inventory = convergeInventory(hosts);
  const r = compile(inventory, "converge.yaml", { site: "converge", source: "test/helpers/ansible.ts" });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  const plan = convergePlan(
    hosts.map((h) => h.name),
    guest,
  );
  const files: Artifact[] = [...plan.artifacts, ...BUNDLES.flatMap((b) => [...b.render(r.build.site, plan)])].sort((a, b) => (a.path < b.path ? -1 : 1));
  mkdirSync(outDir, { recursive: true });
  // as gen writes a site: its manifest lists the engine's files too, and the engine lies beside it
  writeSite(outDir, "converge", [...files, manifestOf(r.build.site, [...files.map(manifestEntry), ...engineEntries()])]);
  writeSite(outDir, ENGINE, engineFiles());
  return join(outDir, "converge");
}
