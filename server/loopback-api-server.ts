import http from "node:http";
import type { Duplex } from "node:stream";
import { classifyPath } from "./access-policy";
import { limitPendingSockets, SERVER_TIMEOUTS } from "./connection-limits";
import type { ApiDispatcher } from "./internal-api/dispatcher";
import { sendFailure } from "./internal-api/respond";
import { parseRequestTarget } from "./request-path";
import { setSecurityHeaders } from "./security-headers";
import { sendRefusal } from "./unread-body";

/**
 * A plain-HTTP listener on 127.0.0.1 that serves the internal API and callback URLs and nothing
 * else, for when the main listener cannot: it speaks TLS (agents' curl and the MCP client would
 * reject a self-signed certificate) or it is bound to one LAN address (which a loopback client
 * cannot reach). The dispatcher's guard still checks the socket, Host, Origin and token.
 */
export interface LoopbackApiServer {
  origin: string;
  port: number;
  close(): void;
}

export async function createLoopbackApiServer(options: {
  api: ApiDispatcher;
  /** The main listener's port: used too when free, so CALLBACK_URLs look familiar. */
  preferredPort: number;
  /** Where people go instead; named in the refusal of anything else. */
  publicOrigin: string;
}): Promise<LoopbackApiServer> {
  const server = http.createServer({ ...SERVER_TIMEOUTS }, (req, res) => {
    setSecurityHeaders(res);
    const target = parseRequestTarget(req.url);
    if (target.ok) {
      req.url = `${target.path}${target.search}`;
      const access = classifyPath(target.path);
      if ((access === "internal-api" || access === "callback") && options.api.handle(req, res)) return;
    }
    res.setHeader("connection", "close");
    if (/^\/api\/(internal|callback)/.test(req.url ?? "")) {
      sendFailure(res, target.ok ? 404 : target.status, "not_found:route", target.ok ? "No such route" : target.reason);
      return;
    }
    sendRefusal(res, 404, {
      ok: false,
      error: { code: "not_found:listener", message: `This address serves only the internal API; open ${options.publicOrigin} instead.` },
    });
  });
  limitPendingSockets(server);
  // No WebSockets here: every upgrade is answered and its socket released.
  server.on("upgrade", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => socket.destroy());
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  try {
    await listen(options.preferredPort);
  } catch (error) {
    // The main listener holds that port on every address (0.0.0.0 with TLS): any free one will do,
    // the URL travels to agents in their environment and MCP config.
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    await listen(0);
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.preferredPort;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}
