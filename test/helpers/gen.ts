// Run the built CLI as a user would.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run, type RunResult } from "./tools.js";

export const ROOT = join(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/gen.cjs");

export function gen(args: string[], cwd = ROOT, env: Record<string, string> = {}): RunResult {
  return run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
}

/** A host's generated file (host.sh, holder.sh, ...) in a site's output folder: the output layout, named once for the tests that use it. */
export const hostFile = (site: string, host: string, file: string): string => join(site, "hosts", host, file);

/** The one steps file of a host's folder (hosts/<host>/, or a copy of it): what every command runs. */
export const HOST_SH = "host.sh";
/**
 * A host command as a shell line: `bash DIR/host.sh COMMAND [ARGS]` (hostCmd(dir, "apply runtime")); the words are
 * joined with spaces as given, so a caller quotes what needs it.
 */
export const hostCmd = (dir: string, ...words: string[]): string => ["bash", `${dir}/${HOST_SH}`, ...words].join(" ");
/** The same as an argv, for spawn and ansible's command module. */
export const hostArgv = (dir: string, ...words: string[]): string[] => ["bash", join(dir, HOST_SH), ...words];
/** The drift model's lines in a host.sh (its `model` function's here-document). */
export const modelLines = (hostSh: string): string[] => hostSh.split("<<'MODEL'\n")[1]!.split("\nMODEL\n")[0]!.split("\n");
/** host.sh's steps, side by side (apply_N, verify_N, inverse_N of each): what `host.sh apply` runs. */
export const stepsOf = (hostSh: string): string =>
  hostSh.slice(hostSh.indexOf("\n# step 1\n"), hostSh.search(/\n\n(# The final checks|# The drift model|sitegen_main)/));
/** host.sh's step ids in order (each step's `ids[N]=` line; an id needs no shell quoting). */
export const stepIds = (hostSh: string): string[] => [...hostSh.matchAll(/^ids\[\d+\]=(\S+)/gm)].map((m) => m[1]!);
/** host.sh's step phases in order (each step's `phases[N]=` word). */
export const stepPhases = (hostSh: string): string[] => [...hostSh.matchAll(/ phases\[\d+\]=(\S+)/g)].map((m) => m[1]!);
/** host.sh's inverse_N functions: what `host.sh rollback` runs. */
export const inversesOf = (hostSh: string): string => [...hostSh.matchAll(/^inverse_\d+\(\) \{\n[\s\S]*?^\}$/gm)].map((m) => m[0]).join("\n");

/**
 * A host folder's installed copies (files/<name>, flat) by where each lands on the host, as its host.sh's
 * install lines say (`install_file DEST MODE NAME`); the naming rule is src/plan/files.ts's.
 */
export function installedCopies(hostDir: string): Map<string, string> {
  const sh = join(hostDir, HOST_SH);
  const text = existsSync(sh) ? readFileSync(sh, "utf8") : "";
  const unq = (w: string) => w.replace(/^'(.*)'$/, "$1");
  return new Map([...text.matchAll(/^\s*install_file (\S+) \S+ (\S+) \|\|/gm)].map((m) => [unq(m[1]!), join(hostDir, "files", unq(m[2]!))]));
}
/** The copy in hostDir/files/ of the file that lands at dest. */
export function installedCopy(hostDir: string, dest: string): string {
  const f = installedCopies(hostDir).get(dest);
  if (!f) throw new Error(`${hostDir}/${HOST_SH} installs no ${dest}`);
  return f;
}
