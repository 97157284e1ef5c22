// Run the built CLI as a user would.
import { join } from "node:path";
import { run, type RunResult } from "./tools.js";

export const ROOT = join(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/gen.cjs");

export function gen(args: string[], cwd = ROOT, env: Record<string, string> = {}): RunResult {
  return run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
}

/** A host's generated file (apply.sh, holder.sh, ...) in a site's output folder: the output layout, named once for the tests that use it. */
export const hostFile = (site: string, host: string, file: string): string => join(site, "hosts", host, file);
