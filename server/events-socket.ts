import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Execution } from "../src/server/db/schema";
import type { AppEvent } from "../src/server/events/app-events";
import type { Services } from "../src/server/services";

const HEARTBEAT_MS = 30_000;

/** Execution rows as pages may see them: the callback secret's hash stays on the server. */
function publicExecution(execution: Execution): Omit<Execution, "callbackSecretHash"> {
  const { callbackSecretHash: _hidden, ...rest } = execution;
  return rest;
}

/**
 * `/ws/events`: every committed change (tasks, executions, sessions) pushed to open pages, so the
 * board, task pages and Missions update without reload. Server-to-client only.
 */
export class EventsSocketServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  /**
   * `build`: the Next build this server serves (`.next/BUILD_ID`; "development" under `npm run
   * dev`), sent in every hello so an open page learns that the app was updated under it.
   */
  constructor(
    services: Services,
    private readonly build: string,
  ) {
    this.unsubscribe = services.events.onEvent((event) => this.broadcast(event));
    this.heartbeat = setInterval(() => {
      for (const client of this.wss.clients as Set<WebSocket & { isAlive?: boolean }>) {
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

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket & { isAlive?: boolean }) => {
      ws.isAlive = true;
      ws.on("pong", () => {
        ws.isAlive = true;
      });
      ws.on("error", () => ws.terminate());
      // The channel is one-way; anything a page sends is ignored.
      ws.on("message", () => undefined);
      ws.send(JSON.stringify({ type: "hello", build: this.build }));
    });
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const client of this.wss.clients) client.close(1001, "Server shutting down");
    this.wss.close();
  }

  private broadcast(event: AppEvent): void {
    if (this.wss.clients.size === 0) return;
    const payload = JSON.stringify(event.type === "execution.changed" ? { ...event, execution: publicExecution(event.execution) } : event);
    for (const client of this.wss.clients) {
      // A page that stopped reading gets no more events rather than unbounded buffering; it refetches on reconnect.
      if (client.readyState === client.OPEN && client.bufferedAmount < 1024 * 1024) client.send(payload);
    }
  }
}
