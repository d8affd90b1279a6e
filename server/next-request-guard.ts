import { createRequire } from "node:module";
import type http from "node:http";
import type { ActionCatalog } from "./action-catalog";
import { originAllowed } from "./origin-check";

/**
 * What may reach Next: page and asset reads (GET, HEAD) and server actions (POST with a
 * `Next-Action` header). Next answers 500 to several kinds of malformed request — a path whose
 * percent-encoding does not decode (on a dynamic route), a router-state header that does not
 * parse, an action body that is not a valid
 * encoded reply (`garbage`, `[`, `["$Q1"]`), a multipart POST that does not parse, an action from
 * another origin — so they are refused here first with a 4xx that says what was wrong. Found by
 * the hostile-input suite (test/system/hostile-input.test.ts).
 *
 * Server actions: every action of this app is called with plain values (objects, strings), which
 * React sends as a `text/plain` JSON array. That is the only body accepted; it must parse, be an
 * array, and hold `$`-prefixed strings only in the forms React produces for plain values (`$$…`
 * for a string starting with `$`, `$undefined`, `$NaN`, `$Infinity`, `$-Infinity`, `$-0`, `$n<int>`,
 * `$D<date>`). An action that needs FormData, Maps or Promises would need this widened.
 * Next's own Origin check stays; this one runs first so a cross-origin action gets 403, not 500.
 */

/** Next's default `serverActions.bodySizeLimit`. */
export const ACTION_BODY_LIMIT = 1024 * 1024;
const ACTION_ID = /^[0-9a-f]{2,128}$/i;
/** Deeper than any action input of this app; bounds the walk and React's own recursion. */
const MAX_ACTION_DEPTH = 32;
const PLAIN_VALUE_REFERENCE = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|n-?\d{1,400}$|D[0-9T:.+\-Z ]{1,40}$)/;

/**
 * Next's own check of the `Next-Router-State-Tree` header (sent with client navigations), which
 * throws — a 500 — on a header it cannot parse. Loaded from Next's internals (the version is
 * pinned); if a future Next moves it, a plain "URI-encoded JSON array" check stands in.
 */
const parseRouterState: (header: string) => unknown = (() => {
  try {
    const load = createRequire(import.meta.url);
    const mod = load("next/dist/server/app-render/parse-and-validate-flight-router-state.js") as { parseAndValidateFlightRouterState?: (h: string) => unknown };
    if (typeof mod.parseAndValidateFlightRouterState === "function") return mod.parseAndValidateFlightRouterState;
  } catch {
    // Fall through to the stand-in.
  }
  return (header: string) => {
    const value: unknown = JSON.parse(decodeURIComponent(header));
    if (!Array.isArray(value)) throw new Error("not a router state");
    return value;
  };
})();

export type NextRequestVerdict = { ok: true } | { ok: false; status: number; code: string; message: string; headers?: Record<string, string> };

const refuse = (status: number, code: string, message: string, headers?: Record<string, string>): NextRequestVerdict => ({
  ok: false,
  status,
  code,
  message,
  headers,
});

/**
 * `actions`: the running build's actions (action-catalog.ts); an id it does not know, or one
 * posted to a page that does not use it, is refused here. Left out (a dev server, whose ids change
 * as it compiles), Next decides.
 */
export async function checkNextRequest(req: http.IncomingMessage, hosts: ReadonlySet<string>, actions?: ActionCatalog): Promise<NextRequestVerdict> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  try {
    decodeURIComponent(path);
  } catch {
    return refuse(400, "bad_request:path", "The request path is not valid percent-encoded UTF-8.");
  }
  const routerState = req.headers["next-router-state-tree"];
  if (routerState !== undefined) {
    try {
      parseRouterState(routerState as string);
    } catch {
      return refuse(400, "bad_request:router_state", "The Next-Router-State-Tree header is not a router state.");
    }
  }
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return { ok: true };
  const action = req.headers["next-action"];
  if (method !== "POST" || action === undefined) {
    return refuse(405, "bad_request:method", "Pages answer GET and HEAD; server actions are POSTs with a Next-Action header.", {
      allow: "GET, HEAD",
    });
  }
  // Next looks an action up only on a page route; posted to a file it answered 500 ("Failed to
  // find Server Action"), and the body was read before that — also on public paths, unsigned-in.
  if (!isPagePath(path)) {
    return refuse(404, "not_found:action", "Server actions are posted to the app's pages, not to files.", { allow: "GET, HEAD" });
  }
  // Next's ids are hex (42 characters in this version); anything else went into its log whole.
  if (typeof action !== "string" || !ACTION_ID.test(action)) {
    return refuse(400, "bad_request:action", "The Next-Action header is not a server action id.");
  }
  if (req.headers.origin !== undefined && !originAllowed(req, hosts)) {
    return refuse(403, "forbidden:origin", "Server actions are only accepted from this app's own pages.");
  }
  // Next's client reads this header as "not found on the server" (an update since the page loaded).
  const notFound = { "x-nextjs-action-not-found": "1" };
  switch (actions?.lookup(action, path)) {
    case "unknown":
      return refuse(404, "not_found:action", "No server action of the running build has this id: the page was loaded from another version of AI Manager. Reload it.", notFound);
    case "elsewhere":
      return refuse(404, "not_found:action", "This server action is not used by the page at this path: post it to a page that uses it.", notFound);
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/plain") {
    return refuse(415, "unsupported_media_type:action", "A server action's arguments are sent as text/plain (a JSON array).");
  }
  const declared = req.headers["content-length"];
  if (declared === undefined || !/^\d+$/.test(declared)) {
    return refuse(411, "bad_request:length", "A server action needs a Content-Length.");
  }
  const length = Number(declared);
  if (length > ACTION_BODY_LIMIT) {
    return refuse(413, "payload_too_large:action", "A server action's arguments may be at most 1 MB.", { connection: "close" });
  }
  const body = await peekBody(req, length);
  if (body === undefined) return refuse(400, "bad_request:body", "The request body could not be read.");
  const problem = actionArgumentsProblem(body.toString("utf8"));
  return problem ? refuse(400, "bad_request:action", problem) : { ok: true };
}

/**
 * Whether a server action may be posted here: not Next's own files (`/_next/…`), not the API, not
 * a file name (the public folder's files have an extension; no page's path segment has a dot).
 */
export function isPagePath(path: string): boolean {
  if (path.startsWith("/_next/") || path === "/_next" || path.startsWith("/api/") || path === "/api") return false;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return !last.includes(".");
}

/** Why this text is not an encoded argument list of plain values, or undefined when it is one. */
export function actionArgumentsProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "The action's arguments are not valid JSON.";
  }
  if (!Array.isArray(value)) return "The action's arguments must be a JSON array.";
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop()!;
    if (typeof item === "string") {
      if (item.startsWith("$") && !PLAIN_VALUE_REFERENCE.test(item)) return "The action's arguments hold a reference this app does not accept.";
      continue;
    }
    if (typeof item !== "object" || item === null) continue;
    if (depth >= MAX_ACTION_DEPTH) return "The action's arguments are nested too deeply.";
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/**
 * Reads exactly `length` bytes of the body and puts them back at the front of the stream, so Next
 * reads the same body afterwards. `end` has not been emitted at that point (it is emitted on a
 * later read), which is what makes `unshift` legal. Undefined if the client hung up first.
 */
function peekBody(req: http.IncomingMessage, length: number): Promise<Buffer | undefined> {
  if (length === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (body: Buffer | undefined) => {
      req.off("readable", onReadable);
      req.off("end", onEnd);
      req.off("error", onEnd);
      req.off("close", onEnd);
      if (body) req.unshift(body);
      resolve(body);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (size < length && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size >= length) done(Buffer.concat(chunks, size));
    };
    const onEnd = () => done(undefined);
    req.on("readable", onReadable);
    req.on("end", onEnd);
    req.on("error", onEnd);
    req.on("close", onEnd);
  });
}
