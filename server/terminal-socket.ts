import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_CODES, parseClientMessage, type ServerMessage } from "../src/terminal/contract/protocol";
import type { HostedSession } from "../src/terminal/server/hosted-sessions";
import { SOCKET_HIGH_WATERMARK } from "../src/terminal/contract/flow-control";
import type { Services } from "../src/server/services";
import { RelayBufferPool } from "../src/terminal/server/relay-buffer-pool";

/** Dead connections are found by ping; a viewer that never answers would block keepalive reaping. */
const HEARTBEAT_MS = 30_000;
/** Malformed messages tolerated per connection before it is closed as a protocol violation. */
const MAX_BAD_MESSAGES = 50;
/** Largest frame a viewer may send (a big paste plus JSON overhead). */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

type LiveSocket = WebSocket & { isAlive?: boolean };

/**
 * Output pieces are at most one read of the host connection (64 KiB); 64 free buffers (4 MiB)
 * cover the pieces of every viewer a busy app has in flight at once.
 */
const relayBuffers = new RelayBufferPool(64 * 1024, 64);

/** The WebSocket bridge between browser terminals and PTY sessions (`/ws/terminals/<taskId>`). */
export class TerminalSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly services: Services) {
    this.heartbeat = setInterval(() => {
      for (const client of this.wss.clients as Set<LiveSocket>) {
        if (client.isAlive === false) {
          client.terminate();
          continue;
        }
        client.isAlive = false;
        client.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, taskId: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws: LiveSocket) => {
      ws.isAlive = true;
      ws.on("pong", () => {
        ws.isAlive = true;
      });
      ws.on("error", () => ws.terminate());
      const session = this.services.sessions.get(taskId);
      if (!session) {
        ws.close(CLOSE_CODES.noSession, "No terminal session for this task");
        return;
      }
      this.connect(ws, session);
    });
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.close(CLOSE_CODES.shutdown, "Server shutting down");
    this.wss.close();
  }

  /**
   * Relays one browser viewer to the session's viewer hub in the terminal host: output and control
   * messages come back on the viewer's channel; this socket's send buffer is reported so the hub
   * holds back a viewer whose network is slower than the program.
   */
  private connect(ws: LiveSocket, session: HostedSession): void {
    let blockedBySocket = false;
    const afterSend = () => {
      if (blockedBySocket && ws.bufferedAmount < SOCKET_HIGH_WATERMARK / 2) {
        blockedBySocket = false;
        channel.blocked(false);
      }
    };
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message), afterSend);
    };
    const channel = session.openViewer({
      output(data) {
        if (ws.readyState !== ws.OPEN) return;
        // `data` is reused at the host connection's next read; the send may hold its copy longer.
        const copy = relayBuffers.copy(data);
        ws.send(copy.bytes, { binary: true }, () => {
          copy.release();
          afterSend();
        });
        if (!blockedBySocket && ws.bufferedAmount >= SOCKET_HIGH_WATERMARK) {
          blockedBySocket = true;
          channel.blocked(true);
        }
      },
      message: send,
      closed(code, reason) {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      },
    });
    let badMessages = 0;
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        send({ type: "error", code: "bad_request:frame", message: "Send JSON text frames; binary frames are output only." });
        if (++badMessages > MAX_BAD_MESSAGES) ws.close(CLOSE_CODES.policy, "Too many invalid messages");
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        send({ type: "error", code: "bad_request:message", message: parsed.error });
        if (++badMessages > MAX_BAD_MESSAGES) ws.close(CLOSE_CODES.policy, "Too many invalid messages");
        return;
      }
      channel.send(parsed.message);
    });
    ws.on("close", () => channel.close());
  }
}
