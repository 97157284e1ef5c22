#!/usr/bin/env node
// The executable: process-level wiring only; the command line is in program.ts. Exit codes: 0 ok,
// 1 diagnostics, drift or a user mistake, 2 usage, output-folder or internal error.
import { cli } from "./program.js";

// A reader that stops early (gen targets | head) closes the pipe: that ends the output, not in a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
}

// bench/run.mjs reads peak memory from here.
if (process.env.SITEGEN_STATS) process.on("exit", () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`));

process.exitCode = cli(process.argv);
