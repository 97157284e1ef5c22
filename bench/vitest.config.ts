// The benchmark's Ansible parallelism run (bench/ansible-parallel.ts), kept out of `npm test` (it takes minutes
// per size): `node bench/run.mjs --ansible [SIZES]` or `npm run bench:ansible` runs it with this config.
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: join(import.meta.dirname, ".."),
  test: {
    include: ["bench/ansible-parallel.ts"],
    fileParallelism: false,
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
