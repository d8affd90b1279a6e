import type http from "node:http";
import { sendJson } from "./http-util";

/**
 * A refused request's body is read (and dropped) up to this size before the answer goes out, so a
 * client that sends a body over a limit (1 MB for a task or a server action) still reads its 413
 * instead of failing with EPIPE. Beyond it…
 */
const UNREAD_BODY_DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * Refusals (wrong method, route, token, size, content type) come before the body is read.
 * Answering and closing while the client still sends it makes the client fail with
 * EPIPE/ECONNRESET instead of reading the answer, so a body nobody reads is drained first; one
 * larger than the limit gets the answer at once with `Connection: close`.
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

/** False once the client went away or an answer was already sent (e.g. after a cancelled wait). */
export function writable(res: http.ServerResponse): boolean {
  return !res.headersSent && !res.writableEnded && !res.destroyed;
}

/** A JSON refusal, sent once the request's unread body is drained (`afterUnreadBody`). */
export function sendRefusal(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (!writable(res)) return;
  afterUnreadBody(res, () => {
    if (!writable(res)) return;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    sendJson(res, status, body);
  });
}
