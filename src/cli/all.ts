// Many sites at once (gen --all, gen validate): on a machine with two or more cores, a worker thread
// takes about half of the inventory bytes while this thread does the rest. A worker loads the bundle
// again and warms up its own JIT (about 0.5 s of CPU measured, docs/performance.md), so it is used only when the
// smaller half is large enough to pay for that.
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { OutputError } from "../emit/write.js";
import { workerThreads } from "./builtin.js";
import { sitePaths, UserError } from "./paths.js";
import { runSite, type Mode, type SiteOptions, type SiteOutcome } from "./site-run.js";

/** The smaller half must hold this many inventory bytes (about 400 synthetic hosts) for a second thread to pay. */
export const PARALLEL_MIN_BYTES = 256 * 1024;

/** How many threads the last runSites used (SITEGEN_STATS prints it). */
export let threadsUsed = 1;

/** Appended to a worker's argv: how the entry knows, without loading worker_threads, that it may be a worker. */
export const WORKER_ARG = "--sitegen-worker-thread";

export interface WorkerJob {
  mode: Mode;
  opts: SiteOptions;
  sites: string[];
}

/** Split sites into two groups of about equal size, largest first; each keeps the sites' order. */
export function halves(sites: string[], size: (s: string) => number): [string[], string[]] {
  const groups: [Set<string>, Set<string>] = [new Set(), new Set()];
  const total: [number, number] = [0, 0];
  for (const s of [...sites].sort((a, b) => size(b) - size(a) || (a < b ? -1 : 1))) {
    const g = total[0] <= total[1] ? 0 : 1;
    groups[g].add(s);
    total[g] += size(s);
  }
  return [sites.filter((s) => groups[0].has(s)), sites.filter((s) => groups[1].has(s))];
}

function inWorker(job: WorkerJob, url: URL): Promise<SiteOutcome[]> {
  return new Promise((resolve, reject) => {
    const w = new (workerThreads().Worker)(url, { workerData: job, argv: [WORKER_ARG] });
    w.once("message", (m: { outcomes?: SiteOutcome[]; error?: string; kind?: string }) =>
      m.outcomes ? resolve(m.outcomes) : reject(new (m.kind === "user" ? UserError : m.kind === "output" ? OutputError : Error)(m.error)),
    );
    w.once("error", reject);
    w.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

/** Every site's outcome, in the order given. `url` is the module that runs workerMain (the CLI's entry); without it, one thread. */
export async function runSites(mode: Mode, opts: SiteOptions, sites: string[], url?: URL): Promise<SiteOutcome[]> {
  const serial = () => sites.map((s) => runSite(mode, opts, s));
  if (!url) return serial();
  // SITEGEN_THREADS=1 or 2 overrides the choice (to measure what the second thread gains, and in tests).
  const forced = process.env.SITEGEN_THREADS;
  if (sites.length < 2 || forced === "1" || (forced !== "2" && availableParallelism() < 2)) return serial();
  const sizes = new Map(sites.map((s) => [s, statSync(sitePaths(opts.inventory, s).file).size]));
  const [mine, theirs] = halves(sites, (s) => sizes.get(s)!);
  const bytes = (g: string[]) => g.reduce((a, s) => a + sizes.get(s)!, 0);
  if (forced !== "2" && Math.min(bytes(mine), bytes(theirs)) < PARALLEL_MIN_BYTES) return serial();
  threadsUsed = 2;
  const pending = inWorker({ mode, opts, sites: theirs }, url);
  pending.catch(() => undefined); // handled by the await below; keeps an early rejection from going unhandled
  const here = mine.map((s) => runSite(mode, opts, s));
  const there = await pending;
  const by = new Map([...here, ...there].map((o) => [o.site, o]));
  return sites.map((s) => by.get(s)!);
}

/** The worker side: run the job, post the outcomes (or the error) back. */
export function workerMain(job: WorkerJob, post: (m: unknown) => void): void {
  try {
    post({ outcomes: job.sites.map((s) => runSite(job.mode, job.opts, s)) });
  } catch (e) {
    // Error classes do not cross threads: say which kind it was, so the exit code stays the same.
    post({ error: (e as Error).message, kind: e instanceof UserError ? "user" : e instanceof OutputError ? "output" : "internal" });
  }
}
