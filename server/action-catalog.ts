import fs from "node:fs";

/**
 * The server actions of the running build and the pages that use them, from Next's
 * `server-reference-manifest.json`. Next answers an action id it does not know with a 400 in
 * text/plain, and one it knows posted to a page that does not use it with a 200 `{}` — the
 * action not run, yet a success to whoever sent it. The request guard asks here first and
 * refuses both with a JSON error that says which it was.
 */

export type ActionLookup = "ok" | "unknown" | "elsewhere";

export interface ActionCatalog {
  /** Whether `id` is an action of this build used by the page at `path` (a URL path, decoded or not). */
  lookup(id: string, path: string): ActionLookup;
}

interface Manifest {
  node?: Record<string, { workers?: Record<string, unknown> }>;
}

interface Loaded {
  mtimeMs: number;
  routes: Map<string, RegExp[]>;
}

/**
 * Reads the manifest again when it changes (a build under a running server); without one (a dev
 * server before its first compile, a build Next lays out differently) every action is let through
 * to Next's own check.
 */
export function createActionCatalog(manifestPath: string): ActionCatalog {
  let loaded: Loaded | undefined;
  const current = (): Loaded | undefined => {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(manifestPath).mtimeMs;
    } catch {
      return undefined;
    }
    if (loaded?.mtimeMs === mtimeMs) return loaded;
    try {
      const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as Manifest;
      const routes = new Map<string, RegExp[]>();
      for (const [id, entry] of Object.entries(manifest.node ?? {})) {
        routes.set(id, Object.keys(entry.workers ?? {}).map(routePattern));
      }
      loaded = { mtimeMs, routes };
      return loaded;
    } catch {
      return undefined;
    }
  };
  return {
    lookup(id, path) {
      const routes = current()?.routes;
      if (!routes) return "ok";
      const patterns = routes.get(id);
      if (!patterns) return "unknown";
      const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
      return patterns.some((pattern) => pattern.test(trimmed)) ? "ok" : "elsewhere";
    },
  };
}

/**
 * A worker name (`app/tasks/[id]/page`) as a pattern of the URL paths it serves: route groups
 * `(name)` are not in the URL, `[x]` is one segment, `[...x]` one or more, `[[...x]]` any.
 */
export function routePattern(worker: string): RegExp {
  const segments = worker
    .replace(/^app\//, "")
    .replace(/(^|\/)page$/, "")
    .split("/")
    .filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment));
  let source = "";
  for (const segment of segments) {
    if (/^\[\[\.\.\..+\]\]$/.test(segment)) source += "(?:/[^/]+)*";
    else if (/^\[\.\.\..+\]$/.test(segment)) source += "(?:/[^/]+)+";
    else if (/^\[.+\]$/.test(segment)) source += "/[^/]+";
    else source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
  }
  return new RegExp(`^${source}/?$`);
}
