// Builds the Next app when no production build exists or the sources are newer than it, then the
// server bundles (scripts/server-bundle.mjs) when they are missing or stale. Shared by `npm start`
// (scripts/start.mjs) and the test setups, so all agree on "stale".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleIsCurrent } from "./server-bundle.mjs";

/** What `next build` reads; a change to any of these makes the build stale. */
export const BUILD_SOURCES = ["src", "public", "next.config.ts", "package.json", "tsconfig.json"];

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

export function buildIsCurrent(root = process.cwd()) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return false;
  const builtAt = fs.statSync(buildId).mtimeMs;
  return BUILD_SOURCES.every((entry) => newestMtime(path.join(root, entry)) <= builtAt);
}

/**
 * Runs `next build` (output to this process's stdout/stderr) unless the build is current, then the
 * server bundles unless they are current.
 * Returns the build's exit status: 0 when nothing had to be built or the build succeeded.
 */
export function buildIfStale(root = process.cwd()) {
  if (!buildIsCurrent(root)) {
    process.stderr.write("Building the app (first start or sources changed)…\n");
    const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
    const result = spawnSync(process.execPath, [nextBin, "build"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0) return result.status ?? 1;
  }
  if (bundleIsCurrent(root)) return 0;
  // `next build` empties .next/, so the bundles are made after it.
  const bundled = spawnSync(process.execPath, [path.join(root, "scripts", "server-bundle.mjs")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return bundled.status ?? 1;
}

// Run as a script (`node scripts/build-if-stale.mjs`, as `npm test` does beside the type check).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = buildIfStale(process.cwd());
}
