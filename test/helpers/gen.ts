// Run the built CLI as a user would.
import { join } from "node:path";
import { run, type RunResult } from "./tools.js";

export const ROOT = join(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/gen.cjs");

export function gen(args: string[], cwd = ROOT, env: Record<string, string> = {}): RunResult {
  return run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
}
