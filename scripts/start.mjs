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
await import("./register-tsx.mjs");
await import("../server/index.ts");
