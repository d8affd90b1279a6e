import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    environment: "node",
    // Real PTYs and real servers: give slow shared machines room, but never retry a failure away.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // At least two test files at a time (vitest's default, cores − 1, is one on two cores). The unit
    // project spends a quarter of its time importing each file's modules, which a second worker
    // overlaps: 508 s → 426 s, measured on 2 cores. The system project still runs one file at a time.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    retry: 0,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/system/**"],
        },
      },
      {
        // The real server as a child process (test/helpers/app-process.ts), on the production
        // build: built once if stale, then one suite at a time, after the unit project, so the
        // timing checks (recording lag, shutdown deadline) do not compete with other tests for CPU.
        extends: true,
        test: {
          name: "system",
          include: ["test/system/**/*.test.ts"],
          globalSetup: ["test/system/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
