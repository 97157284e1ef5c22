// Node built-ins that only some commands need, loaded on first use: worker_threads (gen --all) and
// child_process (gen plan --from REV) cost about 1.5 and 2 ms each to load, on every cold start otherwise.
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

export const workerThreads = (): typeof import("node:worker_threads") => load("node:worker_threads");
export const childProcess = (): typeof import("node:child_process") => load("node:child_process");
export const v8 = (): typeof import("node:v8") => load("node:v8");
