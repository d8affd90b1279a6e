// The custom server, the terminal host and the MCP server, bundled with esbuild into
// .next/ai-manager/ as part of the build. Loading them through tsx cost every start about 1.5 s of
// CPU (each import a round trip to tsx's loader thread); the bundles load in a fraction of that.
// A bundle that is missing or older than its sources is never used: the entry points then fall
// back to tsx (scripts/start.mjs, src/terminal/server/host-launcher.ts, bin/ai-manager-mcp.mjs).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { newestMtime } from "./source-mtime.mjs";

/** Everything the bundles are built from; a change to any of these makes them stale. */
export const BUNDLE_SOURCES = ["server", "src", "package.json", "tsconfig.json", "scripts/server-bundle.mjs"];
// The host keeps its name: `pgrep -fa host-main` finds it either way.
export const BUNDLE_ENTRIES = { server: "server/index.ts", "host-main": "src/terminal/host/host-main.ts", mcp: "src/mcp/main.ts" };
const STAMP = "stamp.json";

export function bundleDir(root) {
  return path.join(root, ".next", "ai-manager");
}

/** The bundle of one entry (`server`, `host-main`, `mcp`), or undefined when it is missing or stale. */
export function currentBundle(root, name) {
  const file = path.join(bundleDir(root), `${name}.mjs`);
  return bundleIsCurrent(root) && fs.existsSync(file) ? file : undefined;
}

export function bundleIsCurrent(root) {
  const stamp = path.join(bundleDir(root), STAMP);
  let builtAt;
  try {
    builtAt = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  return BUNDLE_SOURCES.every((entry) => newestMtime(path.join(root, entry)) <= builtAt);
}

/**
 * A bundle's modules keep their own `import.meta.url`: the paths they resolve next to themselves
 * (the host's entry, worker scripts, migrations, the MCP script) stay those of the source tree. It
 * is computed from the bundle's own URL at run time, so a moved checkout keeps working.
 */
function keepModuleUrls(outdir) {
  return {
    name: "keep-module-urls",
    setup(build) {
      build.onLoad({ filter: /\.(ts|tsx|mts)$/ }, async (args) => {
        const source = await fs.promises.readFile(args.path, "utf8");
        const relative = path.relative(outdir, args.path).split(path.sep).join("/");
        const contents = source.replaceAll("import.meta.url", `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
        return { contents, loader: args.path.endsWith(".tsx") ? "tsx" : "ts" };
      });
    },
  };
}

export async function bundleServer(root) {
  const { build } = await import("esbuild");
  const outdir = bundleDir(root);
  fs.mkdirSync(outdir, { recursive: true });
  const stamp = path.join(outdir, STAMP);
  fs.rmSync(stamp, { force: true });
  await build({
    absWorkingDir: root,
    entryPoints: Object.entries(BUNDLE_ENTRIES).map(([out, entry]) => ({ in: entry, out })),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // node_modules stay imports: native addons and Next load as they do under tsx.
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    alias: { "@": "./src" },
    plugins: [keepModuleUrls(outdir)],
    logLevel: "warning",
  });
  fs.writeFileSync(stamp, `${JSON.stringify({ entries: BUNDLE_ENTRIES })}\n`);
}

// `node scripts/server-bundle.mjs`: what `buildIfStale` runs after `next build`.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  bundleServer(root).catch((error) => {
    process.stderr.write(`Bundling the server failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
