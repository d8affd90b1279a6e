// Builds the Next app when no production build exists or its sources changed since, then the
// server bundles (scripts/server-bundle.mjs) when they are missing or stale. Shared by `npm start`
// (scripts/start.mjs) and the test setups, so all agree on "stale".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleIsCurrent, contentHash } from "./server-bundle.mjs";

/** What `next build` reads; a change to any of these makes the build stale. */
export const BUILD_SOURCES = ["src", "public", "next.config.ts", "package.json", "package-lock.json", "tsconfig.json"];

/**
 * Written into .next/ after a successful build: a hash of the sources it was built from. A content
 * hash, not a time, so a checkout moved back to an older commit, or updated with older modification
 * times (`git checkout`, `rsync -a`, `tar`), is rebuilt instead of serving the other version's pages.
 */
const BUILD_STAMP = "ai-manager-build.json";

function buildSourcesHash(root) {
  return contentHash(root, BUILD_SOURCES);
}

export function buildIsCurrent(root = process.cwd()) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return false;
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, ".next", BUILD_STAMP), "utf8"));
  } catch {
    return false;
  }
  return typeof stamp?.sources === "string" && stamp.sources === buildSourcesHash(root);
}

/** Marks the build in .next/ as made from the sources whose hash is `sources`. */
export function recordBuild(root, sources) {
  fs.writeFileSync(path.join(root, ".next", BUILD_STAMP), `${JSON.stringify({ sources })}\n`);
}

/**
 * Runs `next build` (output to this process's stdout/stderr) unless the build is current, then the
 * server bundles unless they are current.
 * Returns the build's exit status: 0 when nothing had to be built or the build succeeded.
 */
export function buildIfStale(root = process.cwd()) {
  if (!buildIsCurrent(root)) {
    process.stderr.write("Building the app (first start or sources changed)…\n");
    // Hashed before building: a source edited meanwhile leaves the build stale, never wrongly current.
    const sources = buildSourcesHash(root);
    const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
    const result = spawnSync(process.execPath, [nextBin, "build"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0) return result.status ?? 1;
    recordBuild(root, sources);
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
