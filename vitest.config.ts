import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Namespace and guest tests share host-global names (bridges, /run/netns): run files one at a time.
    fileParallelism: false,
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
    },
  },
});
