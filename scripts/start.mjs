#!/usr/bin/env node
// `npm start`: builds the Next app and the server bundles when missing (or older than the
// sources), then runs the custom server in this same process, so signals reach it directly.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildIfStale } from "./build-if-stale.mjs";
import { withoutNpmRunPath } from "./npm-run-path.mjs";
import { currentBundle } from "./server-bundle.mjs";

if (process.env.AI_MANAGER_SKIP_BUILD !== "1") {
  const status = buildIfStale(process.cwd());
  if (status !== 0) {
    process.stderr.write("Build failed; see the messages above.\n");
    process.exit(status);
  }
}

// Task terminals, their agents and Settings' CLI detection get the PATH the command was typed with,
// not npm's with this project's node_modules/.bin in front (scripts/npm-run-path.mjs).
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const typedPath = withoutNpmRunPath(process.env.PATH, projectDir, process.env);
if (typedPath !== undefined) process.env.PATH = typedPath;

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
// The bundle made by the build; without a current one (sources changed, AI_MANAGER_SKIP_BUILD=1)
// the same code runs from the sources through tsx.
const serverBundle = currentBundle(projectDir, "server");
if (serverBundle) {
  await import(pathToFileURL(serverBundle).href);
} else {
  await import("./register-tsx.mjs");
  await import("../server/index.ts");
}
