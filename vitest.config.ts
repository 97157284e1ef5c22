import { defineConfig } from "vitest/config";

/**
 * The tiers, one folder each under test/ (docs/testing.md):
 *   unit    in process, from src/: no root, no namespace, no guest, no build; files in parallel and not isolated
 *           (one module graph: each file puts back what it changes, spies and cwd) (npm run test:fast)
 *   bin     the built bin (dist/gen.cjs) as a user runs it: the CLI, the code cache, atomic writes, memory
 *   tools   the real programs that consume the artifacts (shellcheck, systemd-analyze, keepalived, ansible-lint, ...)
 *   netns   root and network namespaces: generated scripts, Ansible and clusters run for real
 *   guest   a qemu guest, for what this kernel lacks (VLANs, OVS, systemd as PID 1, reboots)
 * The tiers run one after another, unit first; every tier but unit one file at a time: namespace tests share
 * host-global names (bridges, /run/netns). `npm test` (scripts/test-tiers.mjs) runs the guest tier in a vitest process
 * of its own beside the other four, which need nothing of the guest's (its names live inside the guest).
 */
const tier = (name: string, order: number, parallel = false) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], fileParallelism: parallel, isolate: !parallel, sequence: { groupOrder: order } },
});

export default defineConfig({
  test: {
    projects: [tier("unit", 0, true), tier("bin", 1), tier("tools", 2), tier("netns", 3), tier("guest", 4)],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    // `vitest run --coverage` (npm test): statements of src/ reached by in-process tests (CLI subprocesses are not
    // counted); the thresholds are what the suite reaches, so coverage can only go up.
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      reportsDirectory: ".cache/coverage",
      // Measured 2026-11-24 on main after the day-two, Pacemaker and boot merges, in-process tests alone: 96.45 % lines,
      // 95.37 % statements, 89.21 % branches, 96.2 % functions (the new transition, drift and confirm code is
      // mostly exercised through the CLI and in namespaces, which v8 does not count); the whole suite reaches at least that.
      thresholds: { lines: 96, statements: 95, branches: 89, functions: 96 },
    },
  },
});
