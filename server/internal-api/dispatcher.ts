import type http from "node:http";
import type { Logger } from "../../src/server/logger";
import type { Services } from "../../src/server/services";
import { applyCallback, verifyCallback } from "./callback";
import { registerChangeRoutes } from "./changes";
import type { ApiContext, ApiHandler } from "./context";
import { guardRequest } from "./guard";
import { readJsonBody, SMALL_BODY_LIMIT, TASK_BODY_LIMIT } from "./request-body";
import { sendData, sendError, sendFailure } from "./respond";
import { Router } from "./router";
import { registerTaskRoutes } from "./tasks";
import { registerTerminalRoutes } from "./terminal";
import { PatternMatcher } from "./pattern-matcher";
import { WaitLimiter } from "./wait-limiter";

/**
 * The one entry point for `/api/internal/*` and `/api/callback/*`, mounted by the custom server
 * in front of Next and, identically, by the test harness. `handle` returns false for any other
 * path, so the caller passes the request on.
 *
 * Internal API: guard (loopback socket, Host, Origin, bearer token) → route → handler → the
 * `{ success, data | error }` envelope. Callback URL: the same guard without the token (the URL's
 * secret is the credential). While the server shuts down, both answer 503.
 */
export interface ApiDispatcher {
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** From now on every request is refused with 503 (the server is closing). */
  beginShutdown(): void;
  /** Waiting buffer reads currently held open. */
  readonly openWaits: number;
}

export interface ApiDispatcherOptions {
  services: Services;
  /** The Host values (name:port) this server answers to; known once it listens. */
  hosts: () => ReadonlySet<string>;
  logger?: Logger;
}

const INTERNAL_PREFIX = "/api/internal";
const CALLBACK_PREFIX = "/api/callback";
/** Claude Code's hook payloads carry the last assistant message, which can be long. */
const CALLBACK_BODY_LIMIT = TASK_BODY_LIMIT;

export function createApiDispatcher(options: ApiDispatcherOptions): ApiDispatcher {
  const { services } = options;
  const logger = options.logger ?? services.logger;
  const router = new Router<ApiHandler>();
  registerTaskRoutes(router);
  registerTerminalRoutes(router);
  registerChangeRoutes(router);
  const waits = new WaitLimiter();
  const patterns = new PatternMatcher();
  let shuttingDown = false;

  const refuseIfClosing = (res: http.ServerResponse): boolean => {
    if (!shuttingDown) return false;
    sendFailure(res, 503, "unavailable:shutdown", "AI Manager is shutting down; try again once it has restarted.", { connection: "close" });
    return true;
  };

  const passesGuard = (req: http.IncomingMessage, res: http.ServerResponse, token: string | null): boolean => {
    const verdict = guardRequest({ remoteAddress: req.socket.remoteAddress, headers: req.headers, expectedHosts: options.hosts(), token });
    if (verdict.ok) return true;
    logger.warn({ path: redact(pathOf(req)), address: req.socket.remoteAddress, host: req.headers.host, code: verdict.code }, "refused an internal request");
    sendFailure(res, verdict.status, verdict.code, verdict.message, verdict.status === 401 ? { "www-authenticate": "Bearer" } : {});
    return false;
  };

  async function internal(req: http.IncomingMessage, res: http.ServerResponse, path: string, url: URL): Promise<void> {
    if (refuseIfClosing(res) || !passesGuard(req, res, services.internalToken)) return;
    const match = router.match(req.method ?? "GET", path);
    if (match.kind === "not_found") {
      return sendFailure(res, 404, "not_found:route", `No internal API route ${req.method} ${path}; see docs/internal-api.md for the list.`);
    }
    if (match.kind === "method_not_allowed") {
      return sendFailure(res, 405, "bad_request:method", `Use ${match.allow.join(" or ")} for ${path}.`, { allow: match.allow.join(", ") });
    }
    const aborter = new AbortController();
    // 'close' also fires after a normal answer; only an early one means the client left.
    res.on("close", () => {
      if (!res.writableEnded) aborter.abort();
    });
    const ctx: ApiContext = {
      services,
      req,
      res,
      params: match.params,
      query: url.searchParams,
      signal: aborter.signal,
      body: () => readJsonBody(req, match.options.bodyLimit ?? SMALL_BODY_LIMIT),
      waits,
      patterns,
    };
    const result = await match.handler(ctx);
    if (result) sendData(res, result.status ?? 200, result.data);
  }

  async function callback(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    if (refuseIfClosing(res) || !passesGuard(req, res, null)) return;
    const segments = path.slice(CALLBACK_PREFIX.length).split("/").filter(Boolean);
    if (segments.length !== 2) {
      return sendFailure(res, 404, "not_found:callback", "A callback URL is /api/callback/<executionId>/<secret>; use CALLBACK_URL as given.");
    }
    if (req.method !== "POST") return sendFailure(res, 405, "bad_request:method", "POST a JSON report to CALLBACK_URL.", { allow: "POST" });
    const [executionId, secret] = segments.map(safeDecode) as [string, string];
    await services.terminals.untilRecorded(executionId);
    const execution = verifyCallback(services, executionId, secret);
    const body = await readJsonBody(req, CALLBACK_BODY_LIMIT);
    sendData(res, 200, applyCallback(services, execution, body));
  }

  return {
    handle(req, res) {
      const path = pathOf(req);
      const isInternal = path === INTERNAL_PREFIX || path.startsWith(`${INTERNAL_PREFIX}/`);
      const isCallback = path === CALLBACK_PREFIX || path.startsWith(`${CALLBACK_PREFIX}/`);
      if (!isInternal && !isCallback) return false;
      const url = new URL(req.url ?? "/", "http://internal.invalid");
      const work = isInternal ? internal(req, res, path, url) : callback(req, res, path);
      work.catch((error: unknown) => sendError(res, error, logger, { method: req.method, path: redact(path) }));
      return true;
    },
    beginShutdown() {
      shuttingDown = true;
      patterns.dispose();
    },
    get openWaits() {
      return waits.count;
    },
  };
}

function pathOf(req: http.IncomingMessage): string {
  return (req.url ?? "/").split("?")[0] ?? "/";
}

/** A callback path holds a secret: logs get only its first segment. */
function redact(path: string): string {
  return path.startsWith(`${CALLBACK_PREFIX}/`) ? `${CALLBACK_PREFIX}/${path.split("/")[3] ?? ""}/[secret]` : path;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // fails the shape check in verifyCallback
  }
}
