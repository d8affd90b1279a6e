import WebSocket from "ws";

/** A WebSocket client for the system suites: how an upgrade was answered, and what came after. */

export type UpgradeOutcome = { kind: "open"; ws: WebSocket; messages: ReceivedMessage[] } | { kind: "refused"; status: number; body: string };

export interface ReceivedMessage {
  binary: boolean;
  text: string;
  json?: any;
}

export interface ConnectOptions {
  origin?: string;
  cookie?: string;
  host?: string;
  headers?: Record<string, string>;
}

/** Connects and resolves once the server accepted (open) or refused (HTTP status) the upgrade. */
export function connect(url: string, options: ConnectOptions = {}): Promise<UpgradeOutcome> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.host) headers.host = options.host;
  const ws = new WebSocket(url, { origin: options.origin, headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
  const messages: ReceivedMessage[] = [];
  ws.on("message", (data, isBinary) => {
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(data as Buffer[]).toString("utf8");
    let json: unknown;
    if (!isBinary) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    messages.push({ binary: isBinary, text, json });
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ kind: "open", ws, messages }));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ kind: "refused", status: res.statusCode ?? 0, body }));
      res.on("error", () => resolve({ kind: "refused", status: res.statusCode ?? 0, body }));
    });
    ws.once("error", (error) => reject(error));
  });
}

/** Resolves with the close code and reason (at once if already closed). */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: (ws as unknown as { _closeCode: number })._closeCode, reason: "" });
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })));
}

/** Waits until a JSON message matching `predicate` has arrived (looking at ones already received too). */
export async function nextMessage(messages: ReceivedMessage[], ws: WebSocket, predicate: (m: ReceivedMessage) => boolean, timeoutMs = 10_000): Promise<ReceivedMessage> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    for (; seen < messages.length; seen++) if (predicate(messages[seen]!)) return messages[seen]!;
    if (ws.readyState === WebSocket.CLOSED) throw new Error("The socket closed before the message arrived");
    if (Date.now() > deadline) throw new Error(`No matching message within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
