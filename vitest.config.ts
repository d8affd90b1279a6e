import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname, "src") } },
  test: {
    include: ["src/**/*.test.ts", "server/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    // Real PTYs and real servers: give slow shared machines room, but never retry a failure away.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    retry: 0,
  },
});
