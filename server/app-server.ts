import { EventEmitter } from "node:events";
import fs from "node:fs";
import http from "node:http";
import type { Duplex } from "node:stream";
import next from "next";
import type { AppConfig } from "../src/server/config";
import type { Logger } from "../src/server/logger";
import { publishServices, clearServices } from "../src/server/registry";
import { createServices, type Services } from "../src/server/services";
import { sendJson } from "./http-util";

export interface AppServer {
  services: Services;
  server: http.Server;
  /** The origin people open, e.g. http://127.0.0.1:3000. */
  origin: string;
  port: number;
  close(reason: string): Promise<void>;
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export async function startAppServer(config: AppConfig, logger: Logger): Promise<AppServer> {
  const services = createServices(config, logger, readVersion());
  publishServices(services);

  // Next attaches its own `upgrade` listener to whatever `httpServer` it is given. Handing it a
  // private emitter keeps it away from our WebSocket paths; only /_next/* upgrades (HMR) reach it.
  const nextUpgrades = new EventEmitter();
  const nextApp = next({
    dev: config.dev,
    dir: process.cwd(),
    hostname: config.host,
    port: config.port,
    httpServer: nextUpgrades as unknown as http.Server,
    quiet: !config.dev,
  });
  await nextApp.prepare();
  const handleNext = nextApp.getRequestHandler();

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    if (path === "/api/health") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        sendJson(res, 405, { ok: false, error: { code: "bad_request:method", message: "Use GET" } });
        return;
      }
      sendJson(res, 200, {
        ok: true,
        name: "ai-manager",
        version: services.version,
        uptimeSeconds: Math.round(process.uptime()),
        startedAt: services.startedAt.toISOString(),
      });
      return;
    }
    handleNext(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: path }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: "internal", message: "Internal error" } });
      else res.destroy();
    });
  });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/_next/")) {
      nextUpgrades.emit("upgrade", req, socket, head);
      return;
    }
    socket.on("error", () => socket.destroy());
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  // Slow or broken clients must not hold sockets forever.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
  const origin = `http://${hostForUrl}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (reason: string) => {
    closing ??= (async () => {
      logger.info({ reason }, "shutting down");
      server.close();
      server.closeAllConnections();
      try {
        await nextApp.close();
      } catch (error) {
        logger.warn({ err: error }, "next did not close cleanly");
      }
      services.close();
      clearServices();
    })();
    return closing;
  };

  return { services, server, origin, port, close };
}
