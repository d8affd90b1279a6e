// The custom server, the terminal host and the MCP server, bundled with esbuild into
// .next/ai-manager/ as part of the build. Loading them through tsx cost every start about 1.5 s of
// CPU (each import a round trip to tsx's loader thread); the bundles load in a fraction of that.
// A bundle that is missing or older than its sources is never used: the entry points then fall
// back to tsx (scripts/start.mjs, src/terminal/server/host-launcher.ts, bin/ai-manager-mcp.mjs).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Everything the bundles are built from. The stamp holds a hash of their contents, not a time: a
 * checkout updated with older modification times (`rsync -a`, `tar`, `cp -p`) is still noticed.
 */
export const BUNDLE_SOURCES = ["server", "src", "scripts", "package.json", "tsconfig.json"];
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
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(bundleDir(root), STAMP), "utf8"));
  } catch {
    return false;
  }
  return typeof stamp?.sources === "string" && stamp.sources === sourcesHash(root);
}

/** SHA-256 over the bundles' sources' relative paths and contents (about 20 ms for this project). */
export function sourcesHash(root) {
  return contentHash(root, BUNDLE_SOURCES);
}

/** SHA-256 over the relative paths and contents of `entries` (files or directories) under `root`. */
export function contentHash(root, entries) {
  const hash = createHash("sha256");
  const add = (relative) => {
    const full = path.join(root, relative);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) add(path.join(relative, name));
      return;
    }
    hash.update(`${relative.split(path.sep).join("/")}\0${stat.size}\0`);
    hash.update(fs.readFileSync(full));
  };
  for (const entry of entries) add(entry);
  return hash.digest("hex");
}

/**
 * A bundle's modules keep their own `import.meta.url`: the paths they resolve next to themselves
 * (the host's entry, worker scripts, migrations, the MCP script) stay those of the source tree. It
 * is computed from the bundle's own URL at run time, so a moved checkout keeps working.
 */
// Spelled apart: this file is bundled too, and its own code must not be rewritten.
const MODULE_URL = /\bimport\.meta\.url\b/g;
const BUNDLE_URL = ["import", "meta", "url"].join(".");

function keepModuleUrls(outdir) {
  return {
    name: "keep-module-urls",
    setup(build) {
      // Also the project's .mjs (this file among them: its "run as a script" check must not fire in a bundle).
      build.onLoad({ filter: /\.(ts|tsx|mts|mjs)$/ }, async (args) => {
        const source = await fs.promises.readFile(args.path, "utf8");
        const relative = path.relative(outdir, args.path).split(path.sep).join("/");
        const contents = source.replace(MODULE_URL, `new URL(${JSON.stringify(relative)}, ${BUNDLE_URL}).href`);
        return { contents, loader: args.path.endsWith(".tsx") ? "tsx" : args.path.endsWith(".mjs") ? "js" : "ts" };
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
  // Hashed before bundling: a source edited meanwhile leaves the bundle stale, never wrongly current.
  const sources = sourcesHash(root);
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
  fs.writeFileSync(stamp, `${JSON.stringify({ sources, entries: BUNDLE_ENTRIES })}\n`);
}

// `node scripts/server-bundle.mjs`: what `buildIfStale` runs after `next build`.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  bundleServer(root).catch((error) => {
    process.stderr.write(`Bundling the server failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
