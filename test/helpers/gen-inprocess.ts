// Run gen in this process, from src/ (what the fast tier tests: no build, no stale dist/), with its
// stdout and stderr captured. cli.test.ts runs the built bin as a user would.
import { vi } from "vitest";
import { cli } from "../../src/cli/program.js";
import { ROOT } from "./gen.js";

export interface GenResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** gen ARGS from the checkout's root (relative paths as a user in the repository types them). */
export async function genIn(args: string[]): Promise<GenResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const code = await cli(["node", "gen", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    out.mockRestore();
    err.mockRestore();
  }
}
