// Helpers for guest flows whose several `it`s assert on one guest run (TCG boots are the suite's cost).
import { beforeAll, expect } from "vitest";
import {
  GUEST_TEST_TIMEOUT_MS,
  IMAGE_BUILD_TIMEOUT_MS,
  assertCompleted,
  ensureImage,
  jobReport,
  runGuest,
  type GuestJob,
  type GuestRun,
  type RunOptions,
} from "./harness.js";

/**
 * Builds the image and runs the jobs once, in beforeAll; the returned function gives each `it` the
 * completed run, or throws why there is none (so every `it` fails with the reason).
 */
export function sharedGuestRun(label: string, jobs: GuestJob[], opts: RunOptions): () => GuestRun {
  let shared: GuestRun | undefined;
  let sharedError: unknown;
  beforeAll(async () => {
    ensureImage();
    try {
      shared = await runGuest(jobs, opts);
      process.stderr.write(`[guest] ${label}: ${shared.seconds.toFixed(1)}s over ${shared.boots.length} boots\n`);
    } catch (e) {
      sharedError = e;
    }
  }, IMAGE_BUILD_TIMEOUT_MS + GUEST_TEST_TIMEOUT_MS);
  return () => {
    if (!shared) throw sharedError instanceof Error ? sharedError : new Error(`the guest run failed: ${String(sharedError)}`);
    assertCompleted(shared);
    return shared;
  };
}

/** Soft: an end-to-end flow reports every step that went wrong, not just the first. */
export function expectRc(run: GuestRun, job: string, rc: number): void {
  expect.soft(run.jobs[job]?.rc, jobReport(run, job)).toBe(rc);
}
