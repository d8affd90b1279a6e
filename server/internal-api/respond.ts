import type http from "node:http";
import { isAppError, statusOf } from "../../src/lib/errors";
import type { Logger } from "../../src/server/logger";
import { sendJson } from "../http-util";
import { sendRefusal, writable } from "../unread-body";

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
  sendRefusal(res, status, { success: false, error: { code, message } } satisfies ApiEnvelope, headers);
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
