import type http from "node:http";
import type https from "node:https";
import type net from "node:net";

/**
 * Bounds what a client can hold without ever completing a request (docs/security.md). Node's own
 * timeouts cover a request that has begun (headersTimeout, requestTimeout) and an idle keep-alive
 * connection (keepAliveTimeout); this covers the socket that connects and then sends nothing, or
 * too little to parse: it is closed after PENDING_SOCKET_TIMEOUT_MS, and past MAX_PENDING_SOCKETS
 * the oldest such socket is closed to make room, so a flood of them can neither exhaust the
 * process's descriptors nor lock people out.
 */
// Well past Chromium's own 10 s lifetime for a preconnected socket it has not used: with equal
// limits the browser could send its request just as the server gives up on the socket, and a
// request lost that way on a fresh socket is not retried (a failed page refresh reloads the page).
export const PENDING_SOCKET_TIMEOUT_MS = 30_000;
export const MAX_PENDING_SOCKETS = 512;

/** Node's server options that bound a request once it has begun. */
export const SERVER_TIMEOUTS = {
  /** The whole header block; a slow-loris client is cut off with 408 after this. */
  headersTimeout: 15_000,
  /** Header and body of one request; server actions are ≤ 1 MB. */
  requestTimeout: 60_000,
  /** An idle connection between requests. */
  keepAliveTimeout: 5_000,
  /** How often Node checks the two above (its default, 30 s, let a stalled header block live 45 s). */
  connectionsCheckingInterval: 2_000,
} as const satisfies http.ServerOptions;

export interface PendingSockets {
  /** Sockets connected that have not yet delivered a request or an upgrade. */
  readonly count: number;
}

/**
 * Under TLS the socket a request arrives on is the TLS socket, not the TCP one `connection` gives:
 * count from `secureConnection` there (the handshake itself is bounded by TLS_HANDSHAKE_TIMEOUT_MS),
 * or a served WebSocket would be cut when the pending timer of its TCP socket fired.
 */
export const TLS_HANDSHAKE_TIMEOUT_MS = 15_000;

export function limitPendingSockets(server: http.Server | https.Server, options: { timeoutMs?: number; max?: number } = {}): PendingSockets {
  const timeoutMs = options.timeoutMs ?? PENDING_SOCKET_TIMEOUT_MS;
  const max = options.max ?? MAX_PENDING_SOCKETS;
  // Insertion order is age order: the first key is the oldest.
  const pending = new Map<net.Socket, NodeJS.Timeout>();

  const settle = (socket: net.Socket) => {
    const timer = pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    pending.delete(socket);
  };

  const connectionEvent = "setSecureContext" in server ? "secureConnection" : "connection";
  server.on(connectionEvent, (socket: net.Socket) => {
    const timer = setTimeout(() => {
      // Timers run before the event loop reads sockets: on a busy server the request may be
      // waiting unread. Decide after this turn's reads (setImmediate runs after the poll phase).
      setImmediate(() => {
        if (!pending.has(socket)) return;
        pending.delete(socket);
        socket.destroy();
      });
    }, timeoutMs);
    timer.unref();
    pending.set(socket, timer);
    socket.once("close", () => settle(socket));
    while (pending.size > max) {
      const [oldest] = pending.keys();
      settle(oldest!);
      oldest!.destroy();
    }
  });
  server.on("request", (req: http.IncomingMessage) => settle(req.socket));
  server.on("upgrade", (req: http.IncomingMessage) => settle(req.socket));
  server.on("connect", (req: http.IncomingMessage) => settle(req.socket));

  return {
    get count() {
      return pending.size;
    },
  };
}
