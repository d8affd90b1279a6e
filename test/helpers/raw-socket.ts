import fs from "node:fs";
import net from "node:net";

/**
 * Requests written byte for byte on a TCP socket, as `curl --path-as-is` or an attacker's script
 * would send them: no client library normalises, encodes or refuses the target.
 */
export interface RawExchange {
  /** 0 when the server closed without a status line. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the server closed the connection (it always should after `Connection: close`). */
  closedByServer: boolean;
}

export function rawExchange(port: number, request: string | Buffer, options: { timeoutMs?: number; expectUpgrade?: boolean } = {}): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closedByServer });
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`No complete answer within ${options.timeoutMs ?? 15_000} ms to: ${String(request).slice(0, 120).replace(/\r\n/g, "⏎")}`));
    }, options.timeoutMs ?? 15_000);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      // A successful upgrade keeps the socket open: the status line is the answer.
      if (/^HTTP\/1\.1 101 /.test(Buffer.concat(chunks).toString("latin1"))) finish(false);
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(request);
  });
}

function parseResponse(raw: Buffer): Omit<RawExchange, "closedByServer"> {
  const text = raw.toString("utf8");
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 4);
  const [statusLine, ...lines] = head.split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body };
}

/** An HTTP/1.1 request with `Connection: close`, the target and headers exactly as given. */
export function httpRequestText(method: string, target: string, headers: Record<string, string>, body = ""): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body || method === "POST") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  if (!Object.keys(headers).some((k) => k.toLowerCase() === "connection")) lines.push("Connection: close");
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** A WebSocket handshake request for `target`. */
export function upgradeRequestText(target: string, headers: Record<string, string>): string {
  return httpRequestText("GET", target, {
    ...headers,
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
  });
}

/** Open descriptors of a process (Linux). */
export function openDescriptors(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}
