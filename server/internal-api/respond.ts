import type http from "node:http";
import { isAppError, statusOf } from "../../src/lib/errors";
import type { Logger } from "../../src/server/logger";
import { sendJson } from "../http-util";

/**
 * The one response envelope of the internal API and the callback URL:
 * `{ "success": true, "data": … }` or `{ "success": false, "error": { "code", "message" } }`.
 */
export type ApiEnvelope = { success: true; data: unknown } | { success: false; error: { code: string; message: string } };

export function sendData(res: http.ServerResponse, status: number, data: unknown): void {
  if (!writable(res)) return;
  sendJson(res, status, { success: true, data } satisfies ApiEnvelope);
}

export function sendFailure(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (!writable(res)) return;
  afterUnreadBody(res, () => {
    if (!writable(res)) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    sendJson(res, status, { success: false, error: { code, message } } satisfies ApiEnvelope);
  });
}

/**
 * A refused request's body is read (and dropped) up to this size before the answer goes out, so a
 * client that sends a body over a route's limit (1 MB for tasks) still reads its 413 instead of
 * failing with EPIPE; it is loopback traffic with a token, cheap to drain. Beyond it…
 */
const UNREAD_BODY_DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * Refusals (wrong method, route, token) come before the body is read. Answering and closing while
 * the client still sends it makes the client fail with EPIPE/ECONNRESET instead of reading the
 * answer, so a body nobody reads is drained first; one larger than the limit gets the answer at
 * once with `Connection: close`.
 */
function afterUnreadBody(res: http.ServerResponse, send: () => void): void {
  const req = res.req as http.IncomingMessage | undefined;
  if (!req || req.complete || req.readableEnded || req.destroyed || req.listenerCount("data") > 0) return send();
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > UNREAD_BODY_DRAIN_LIMIT) {
    res.setHeader("connection", "close");
    return send();
  }
  let seen = 0;
  let sent = false;
  const once = () => {
    if (sent) return;
    sent = true;
    req.off("data", count);
    send();
  };
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > UNREAD_BODY_DRAIN_LIMIT) {
      res.setHeader("connection", "close");
      once();
    }
  };
  req.on("data", count);
  req.once("end", once);
  req.once("error", once);
  req.once("close", once);
}

/**
 * AppErrors carry a safe message and a code that fixes the status. Anything else is a bug: it is
 * logged with its stack, and the caller gets a generic 500 that reveals nothing.
 */
export function sendError(res: http.ServerResponse, error: unknown, logger: Logger, context: Record<string, unknown>): void {
  if (isAppError(error)) {
    const headers: Record<string, string> = error.code === "payload_too_large:body" ? { connection: "close" } : {};
    sendFailure(res, statusOf(error), error.code, error.message, headers);
    return;
  }
  logger.error({ err: error, ...context }, "internal API request failed");
  sendFailure(res, 500, "internal:unexpected", "The server failed to handle this request; see its log.");
}

/** False once the client went away or an answer was already sent (e.g. after a cancelled wait). */
export function writable(res: http.ServerResponse): boolean {
  return !res.headersSent && !res.writableEnded && !res.destroyed;
}
