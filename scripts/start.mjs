#!/usr/bin/env node
// `npm start`: builds the Next app when no build exists (or the sources are newer than it),
// then runs the custom server in this same process, so signals reach it directly.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const buildId = path.join(root, ".next", "BUILD_ID");
const SOURCES = ["src", "public", "next.config.ts", "package.json", "tsconfig.json"];

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function buildIsCurrent() {
  if (!fs.existsSync(buildId)) return false;
  const builtAt = fs.statSync(buildId).mtimeMs;
  return SOURCES.every((entry) => newestMtime(path.join(root, entry)) <= builtAt);
}

if (process.env.AI_MANAGER_SKIP_BUILD !== "1" && !buildIsCurrent()) {
  process.stderr.write("Building the app (first start or sources changed)…\n");
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    process.stderr.write("Build failed; see the messages above.\n");
    process.exit(result.status ?? 1);
  }
}

process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const { register } = await import("tsx/esm/api");
register();
await import("../server/index.ts");
