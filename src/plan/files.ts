// "Install this generated file": the file in out/, the action that installs it and its inverse, made
// together so they cannot disagree (compile() also refuses an install whose file is missing).
//
// A host's installed files lie flat in hosts/<host>/files/ (one folder per host, not one per folder of
// their paths on the host: folders were most of the file system's cost of a big site). The install
// action names its copy there (Install.src), so nothing reads the layout back out of a path.
// The naming rule, per host (fileNames): a file's copy is its basename when no other file the host
// installs has that basename and it holds no "%"; otherwise its whole path on the host, less the leading
// "/", with "%" written "%25" and "/" written "%2F" (/etc/a/x.conf beside /etc/b/x.conf: etc%2Fa%2Fx.conf
// and etc%2Fb%2Fx.conf). Basenames never hold "/" and kept ones hold no "%", so a kept basename cannot
// meet a written path (one without "%" is a single name, a basename that was not kept), and two written
// paths differ as the paths do.
import type { FileMode, Install, Remove } from "./actions.js";
import type { Action, Artifact, Step } from "./types.js";

/** An installed file's copy in out/: the artifact, and which host installs it where (plan/build.ts names it). */
export type InstalledArtifact = Artifact & { readonly installs: { readonly host: string; readonly dest: string } };

export interface Installed {
  artifact: InstalledArtifact;
  install: Install;
  remove: Remove;
}

/** The folder of a host's installed files in out/<site>/. */
export const filesDir = (host: string) => `hosts/${host}/files`;
/** Where the copy named src (an Install's src) lives in out/<site>/. */
export const filesPath = (host: string, src: string) => `${filesDir(host)}/${src}`;

const basename = (dest: string) => dest.slice(dest.lastIndexOf("/") + 1);
const written = (dest: string) => dest.replace(/^\//, "").replace(/%/g, "%25").replace(/\//g, "%2F");

/** The copies' names of one host's installed files, by destination (the rule above). */
export function fileNames(dests: Iterable<string>): Map<string, string> {
  const all = [...new Set(dests)];
  const count = new Map<string, number>();
  for (const d of all) count.set(basename(d), (count.get(basename(d)) ?? 0) + 1);
  const kept = (d: string) => count.get(basename(d)) === 1 && !basename(d).includes("%");
  return new Map(all.map((d) => [d, kept(d) ? basename(d) : written(d)]));
}

/**
 * A 0600 file (netplan's) is kept 0644 in out/, where git keeps no other mode, and installed 0600. The copy
 * is named by its basename here; buildPlan renames it (and its installs) when the host's other files need it.
 */
export function installed(host: string, dest: string, content: string, mode: FileMode = 0o644): Installed {
  const src = basename(dest);
  return {
    artifact: { path: filesPath(host, src), content, mode: mode === 0o755 ? 0o755 : 0o644, installs: { host, dest } },
    install: { kind: "install", dest, mode, src },
    remove: { kind: "remove", dest },
  };
}

const isInstalled = (a: Artifact): a is InstalledArtifact => "installs" in a;

/**
 * The plan's installed files named by the rule, per host: the artifacts' paths and the installs' src.
 * Only a name that is not the basename changes anything (the lists are returned as they were otherwise).
 */
export function nameFiles(steps: Step[], artifacts: Artifact[]): { steps: Step[]; artifacts: Artifact[] } {
  const dests = new Map<string, string[]>();
  for (const a of artifacts) {
    if (!isInstalled(a)) continue;
    const mine = dests.get(a.installs.host) ?? dests.set(a.installs.host, []).get(a.installs.host)!;
    mine.push(a.installs.dest);
  }
  const renamed = new Map<string, Map<string, string>>();
  for (const [host, ds] of dests) {
    const odd = [...fileNames(ds)].filter(([d, n]) => n !== basename(d));
    if (odd.length) renamed.set(host, new Map(odd));
  }
  if (!renamed.size) return { steps, artifacts };
  const nameOf = (host: string, dest: string) => renamed.get(host)?.get(dest);
  const fix = (host: string) => (a: Step["apply"][number]) => (a.kind === "install" && nameOf(host, a.dest) ? { ...a, src: nameOf(host, a.dest)! } : a);
  return {
    steps: steps.map((s) => (renamed.has(s.host) ? { ...s, apply: s.apply.map(fix(s.host)), inverse: s.inverse.map(fix(s.host)) } : s)),
    artifacts: artifacts.map((a) => {
      const n = isInstalled(a) ? nameOf(a.installs.host, a.installs.dest) : undefined;
      return n && isInstalled(a) ? { ...a, path: filesPath(a.installs.host, n) } : a;
    }),
  };
}

/**
 * Actions as the host sees them: an install's copy name left out (it is out/'s, and changes when another of
 * the host's files comes or goes). A transition compares steps by this, so a renamed copy is no change.
 */
export const asOnHost = (actions: readonly Action[]): Action[] => actions.map((a) => (a.kind === "install" ? { ...a, src: "" } : a));
