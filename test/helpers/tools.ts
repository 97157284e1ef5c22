// Real-tool tests: a missing tool fails the test in CI (CI=true) and is reported loudly elsewhere.
import { execFileSync, spawnSync } from "node:child_process";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

export function hasTool(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/**
 * Throws when a tool is missing, so the test fails: tests never skip silently. Run
 * `bash scripts/install-tools.sh` to install every checker from Debian's packages.
 */
export function requireTool(cmd: string): void {
  if (!hasTool(cmd)) {
    throw new Error(`${cmd} is not installed: run 'bash scripts/install-tools.sh' (Debian packages)${IN_CI ? " -- CI must install it" : ""}`);
  }
}

/** Network-namespace tests need root and the ip command. */
export function requireRootNetns(): void {
  requireTool("ip");
  if (process.getuid?.() !== 0) throw new Error("network-namespace tests need root");
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): RunResult {
  // maxBuffer: a big site's --check lists each of its ~24,000 files (over spawnSync's 1 MiB default, which kills the child)
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status ?? (r.signal ? 128 : 1), stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export const sh = (script: string): string => execFileSync("bash", ["-c", script], { encoding: "utf8" });
