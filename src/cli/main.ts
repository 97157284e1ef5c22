#!/usr/bin/env node
// The executable: process-level wiring only; the command line is in program.ts. Exit codes: 0 ok,
// 1 diagnostics, drift or a user mistake, 2 usage, output-folder or internal error. In a worker
// thread (gen --all on large inventories) this module runs the worker's share of the sites instead.
import { threadsUsed, WORKER_ARG, workerMain, type WorkerJob } from "./all.js";
import { workerThreads } from "./builtin.js";
import { cli } from "./program.js";

// Only a worker (started with WORKER_ARG) loads worker_threads to make sure it is one.
const worker = process.argv.includes(WORKER_ARG) ? workerThreads() : undefined;
if (worker && !worker.isMainThread) {
  workerMain(worker.workerData as WorkerJob, (m) => worker.parentPort!.postMessage(m));
} else {
  // A reader that stops early (gen targets | head) closes the pipe: that ends the output, not in a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  // bench/run.mjs reads peak memory (of the whole process, worker included) and the thread count from here.
  if (process.env.SITEGEN_STATS) process.on("exit", () => process.stderr.write(`maxrss_kb=${process.resourceUsage().maxRSS} threads=${threadsUsed}\n`));
  void cli(process.argv, new URL(import.meta.url)).then((c) => {
    process.exitCode = c;
  });
}
