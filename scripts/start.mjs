#!/usr/bin/env node
// `npm start`: builds the Next app when no build exists (or the sources are newer than it),
// then runs the custom server in this same process, so signals reach it directly.
import { buildIfStale } from "./build-if-stale.mjs";

if (process.env.AI_MANAGER_SKIP_BUILD !== "1") {
  const status = buildIfStale(process.cwd());
  if (status !== 0) {
    process.stderr.write("Build failed; see the messages above.\n");
    process.exit(status);
  }
}

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
// One TypeScript loader per process (restart.mjs runs start.mjs in its own process).
const loaderKey = Symbol.for("ai-manager.tsx-registered");
if (!globalThis[loaderKey]) {
  const { register } = await import("tsx/esm/api");
  register();
  globalThis[loaderKey] = true;
}
await import("../server/index.ts");
