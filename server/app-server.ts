import { EventEmitter } from "node:events";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import next from "next";
import type { AppConfig } from "../src/server/config";
import type { Logger } from "../src/server/logger";
import { createAgentLaunch } from "../src/server/agents/agent-launch";
import { createClaudeLaunch, removeClaudeRunFiles } from "../src/server/claude/claude-launch";
import { publishServices, clearServices } from "../src/server/registry";
import { createServices, type Services } from "../src/server/services";
import { EventsSocketServer } from "./events-socket";
import { sendJson } from "./http-util";
import { createApiDispatcher } from "./internal-api/dispatcher";
import { sendFailure } from "./internal-api/respond";
import { allowedHosts, hostAllowed, localAddresses, originAllowed, type AllowedHosts } from "./origin-check";
import { TerminalSocketServer } from "./terminal-socket";
import { handleRecordingRequest } from "./recording-route";
import { checkNextRequest } from "./next-request-guard";
import { createActionCatalog } from "./action-catalog";
import { sendRefusal } from "./unread-body";
import { createUiAuth, type UiAuth } from "./ui-auth";
import { classifyPath } from "./access-policy";
import { limitPendingSockets, SERVER_TIMEOUTS, TLS_HANDSHAKE_TIMEOUT_MS } from "./connection-limits";
import { parseRequestTarget } from "./request-path";
import { applyPagePolicy, setSecurityHeaders } from "./security-headers";
import { ACCESS_TOKEN_FILE, loadOrCreateTokenFile } from "../src/server/security/secrets";
import { connectToHost } from "../src/terminal/server/host-launcher";
import { isLoopbackAddress } from "../src/server/config";
import { DeviceStore } from "../src/server/devices/device-store";
import { SignInLimiter } from "../src/server/devices/sign-in-limiter";
import { clearRemoteAccess, publishRemoteAccess } from "../src/server/devices/registry";
import { createLoopbackApiServer } from "./loopback-api-server";
import type { TlsMaterial } from "./tls";
import { REQUEST_ACCESS_HEADER, type RequestAccess } from "../src/lib/request-access";

/** How long a refused upgrade's answer may take to drain before the socket is destroyed anyway. */
const UPGRADE_REFUSAL_LINGER_MS = 2_000;
/** Least time between two re-reads of the interface addresses for an unknown Host (wildcard only). */
const HOSTS_REFRESH_MS = 5_000;

export interface AppServer {
  services: Services;
  server: http.Server | https.Server;
  /** The origin people open, e.g. http://127.0.0.1:3000 (https:// under TLS). */
  origin: string;
  /**
   * Where agents, callbacks and the MCP server reach the internal API: the same origin when it is
   * plain HTTP on loopback, else the loopback-only listener's (docs/security.md, "Remote access").
   */
  internalOrigin: string;
  /** True when the listening address is reachable from other machines. */
  exposed: boolean;
  /** Sign-in URLs for other devices (this machine's LAN addresses); empty when not exposed. */
  remoteSignInUrls: string[];
  auth: UiAuth;
  port: number;
  close(reason: string): Promise<void>;
}

/** Answers an upgrade that will not be served, then releases its descriptor once the answer is out. */
function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  // A peer that never reads would keep the answer (and the socket) in flight.
  setTimeout(() => socket.destroy(), UPGRADE_REFUSAL_LINGER_MS).unref();
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** The Next build this server serves: pages loaded from another build cannot call its actions. */
function nextBuildId(dev: boolean): string {
  if (dev) return "development";
  try {
    return fs.readFileSync(".next/BUILD_ID", "utf8").trim();
  } catch {
    return "unknown";
  }
}

export interface StartOptions {
  /** Certificate and key (server/tls.ts): the server speaks HTTPS. */
  tls?: TlsMaterial;
}

export async function startAppServer(config: AppConfig, logger: Logger, options: StartOptions = {}): Promise<AppServer> {
  const scheme: "http:" | "https:" = options.tls ? "https:" : "http:";
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  const exposed = !isLoopbackAddress(config.host);
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
  // Next loads its build while the terminal host starts (about 0.4 s of each start): it touches
  // neither the database nor the host. Awaited below; a refusal by the host ends the process first.
  const nextPrepared = nextApp.prepare();
  nextPrepared.catch(() => undefined);
  // The terminal host before anything else: it holds the sessions a previous app server left
  // running, and it refuses a second app server on the same data dir before this one touches the database.
  const host = await connectToHost(config.dataDir, { role: "app", launch: true });
  const services: Services = createServices(config, logger, readVersion(), {
    // Agent runs get their status reporting to CALLBACK_URL and this app's MCP server
    // (src/server/claude for Claude Code, src/server/agents for Codex, Gemini CLI and opencode).
    prepareLaunch: createAgentLaunch({
      dataDir: config.dataDir,
      internalToken: () => services.internalToken,
      logger,
      claude: createClaudeLaunch({
        dataDir: config.dataDir,
        internalToken: () => services.internalToken,
        logger,
        liveRuns: new Set(host.welcome.sessions.filter((s) => s.running).map((s) => s.executionId)),
      }),
    }),
    forgetRun: (executionId) => removeClaudeRunFiles(config.dataDir, executionId),
    host,
  });
  publishServices(services);
  logger.info(
    { hostPid: host.welcome.hostPid, sessions: host.welcome.sessions.length, endedWhileAway: host.welcome.endedWhileAway.length },
    "connected to the terminal host",
  );
  // The host went away on its own (killed): its runs are recorded as interrupted (TerminalService),
  // and a new host serves the next start.
  services.sessions.reconnectWith(
    () => connectToHost(config.dataDir, { role: "app", launch: true }),
    (error, attempt) => logger.error({ err: error, attempt }, "could not start a new terminal host"),
  );
  services.sessions.onRebound(() => {
    services.terminals.configureHost();
    logger.warn({ hostPid: services.sessions.connection.welcome.hostPid }, "started a new terminal host");
  });

  await nextPrepared;
  const handleNext = nextApp.getRequestHandler();
  // A dev server's action ids change as it compiles: Next alone decides there.
  const actions = config.dev ? undefined : createActionCatalog(".next/server/server-reference-manifest.json");

  let hosts: AllowedHosts = allowedHosts(config.host, config.port, { scheme });
  let listeningPort = config.port;
  let hostsCheckedAt = 0;
  // On 0.0.0.0 / :: the machine's addresses can change while it runs (a laptop joins another
  // network): a Host that is not known yet re-reads the interfaces, at most every few seconds.
  const hostKnown = (req: http.IncomingMessage): boolean => {
    if (hostAllowed(req, hosts)) return true;
    if (!wildcard || Date.now() - hostsCheckedAt < HOSTS_REFRESH_MS) return false;
    hostsCheckedAt = Date.now();
    hosts = allowedHosts(config.host, listeningPort, { scheme });
    return hostAllowed(req, hosts);
  };
  // The internal API's Host check also knows the loopback-only listener's names (set once it listens).
  let apiHosts: ReadonlySet<string> & { scheme: "http:" | "https:" } = hosts;
  // /api/internal/* and /api/callback/* are served here, not by Next route handlers: no trip
  // through Next's router on every agent call, and the guard and handlers share this process's
  // module copies of the services (see docs/security.md).
  const api = createApiDispatcher({ services, hosts: () => apiHosts, logger });
  const accessToken = loadOrCreateTokenFile(config.dataDir, ACCESS_TOKEN_FILE, config.accessToken);
  const devices = config.auth === "token" ? new DeviceStore(config.dataDir, accessToken) : undefined;
  const auth = createUiAuth({ mode: config.auth, accessToken, devices, limiter: new SignInLimiter(), secure: options.tls !== undefined, logger });

  // Open WebSockets by device, so revoking a device in Settings cuts its terminals and events at once.
  const socketsByDevice = new Map<string, Set<Duplex>>();
  const unsubscribeRevoked = devices?.onRevoked((deviceId) => {
    const sockets = socketsByDevice.get(deviceId);
    socketsByDevice.delete(deviceId);
    for (const socket of sockets ?? []) socket.destroy();
    logger.info({ device: deviceId, sockets: sockets?.size ?? 0 }, "device revoked");
  });
  const trackDeviceSocket = (deviceId: string, socket: Duplex) => {
    let sockets = socketsByDevice.get(deviceId);
    if (!sockets) socketsByDevice.set(deviceId, (sockets = new Set()));
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0 && socketsByDevice.get(deviceId) === sockets) socketsByDevice.delete(deviceId);
    });
  };

  const handleRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    setSecurityHeaders(res);
    // The one decision point (docs/security.md): the path is normalised — or refused — first, and
    // the normalised form is what every later step, Next included, sees.
    const target = parseRequestTarget(req.url);
    // A connection that was refused is not kept alive: nobody holds sockets open by asking again.
    const closeAfterRefusal = () => res.setHeader("connection", "close");
    if (!target.ok) {
      closeAfterRefusal();
      // Agents calling the internal API or a callback get that API's envelope.
      if (/^\/api\/(internal|callback)/.test(req.url ?? "")) sendFailure(res, target.status, "bad_request:path", target.reason);
      else sendRefusal(res, target.status, { ok: false, error: { code: "bad_request:path", message: target.reason } });
      return;
    }
    req.url = `${target.path}${target.search}`;
    const access = classifyPath(target.path);
    if (access === "internal-api" || access === "callback") {
      // Their own guard: loopback socket, Host, Origin, and the token or the URL's secret.
      api.handle(req, res);
      return;
    }
    // A DNS-rebinding page sends its own name as Host: nothing of this app answers it.
    if (!hostKnown(req)) {
      closeAfterRefusal();
      sendRefusal(res, 403, { ok: false, error: { code: "forbidden:host", message: "The Host header is not this server's address; open http://127.0.0.1:<port> (or localhost)." } });
      return;
    }
    if (auth.handleLogin(req, res)) return;
    if (access === "session" && !auth.hasSession(req)) {
      closeAfterRefusal();
      auth.refuse(req, res);
      return;
    }
    if (handleRecordingRequest(req, res, services)) return;
    if (target.path === "/api/health") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        sendRefusal(res, 405, { ok: false, error: { code: "bad_request:method", message: "Use GET" } });
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
    // Requests Next would answer with a 500 (broken percent-encoding, malformed action bodies,
    // cross-origin actions, other methods) are refused here with a 4xx (next-request-guard.ts).
    checkNextRequest(req, hosts, actions)
      .then((verdict) => {
        if (!verdict.ok) {
          // A 413's or 415's body is still on its way: drained first, or the client gets EPIPE, not the answer.
          sendRefusal(res, verdict.status, { ok: false, error: { code: verdict.code, message: verdict.message } }, verdict.headers);
          return;
        }
        applyPagePolicy(req, res, config.dev);
        // Replaces any value the client sent: the layout trusts it (src/lib/request-access.ts).
        req.headers[REQUEST_ACCESS_HEADER] = access satisfies RequestAccess;
        return handleNext(req, res);
      })
      .catch((error: unknown) => {
        logger.error({ err: error, url: target.path }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: "internal", message: "Internal error" } });
        else res.destroy();
      });
  };
  const server = options.tls
    ? https.createServer({ ...SERVER_TIMEOUTS, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, handleRequest)
    : http.createServer({ ...SERVER_TIMEOUTS }, handleRequest);
  limitPendingSockets(server);

  const terminalSockets = new TerminalSocketServer(services);
  const eventSockets = new EventsSocketServer(services, nextBuildId(config.dev));

  // CONNECT (a proxy request) is nothing this server does: answered and closed like a stray upgrade.
  server.on("connect", (_req: http.IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    refuseUpgrade(socket, "405 Method Not Allowed");
  });

  // Every upgrade gets an answer and every refused socket is destroyed: an upgrade nobody
  // answered kept its descriptor forever (300 requests, 300 leaked descriptors).
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const refuse = (status: string) => refuseUpgrade(socket, status);
    const target = parseRequestTarget(req.url);
    if (!target.ok) return refuse(target.status === 414 ? "414 URI Too Long" : "400 Bad Request");
    req.url = `${target.path}${target.search}`;
    const path = target.path;
    const terminalMatch = /^\/ws\/terminals\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    const isHmr = config.dev && (path === "/_next/hmr" || path.startsWith("/_next/hmr/"));
    if (!terminalMatch && path !== "/ws/events" && !isHmr) return refuse("404 Not Found");
    // A web page on another site must never reach a terminal: browsers always send Origin.
    if (!hostKnown(req) || !originAllowed(req, hosts)) {
      logger.warn({ path, origin: req.headers.origin, host: req.headers.host }, "refused a cross-origin WebSocket");
      return refuse("403 Forbidden");
    }
    const session = auth.session(req);
    if (!session) {
      logger.warn({ path }, "refused a WebSocket without a session cookie");
      return refuse("401 Unauthorized");
    }
    if (session.device) trackDeviceSocket(session.device.id, socket);
    if (isHmr) {
      // Development only: Next's hot reloader answers its own socket.
      nextUpgrades.emit("upgrade", req, socket, head);
      return;
    }
    if (terminalMatch) terminalSockets.handleUpgrade(req, socket, head, terminalMatch[1]!);
    else eventSockets.handleUpgrade(req, socket, head);
  });

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
  const origin = `${scheme}//${hostForUrl}:${port}`;
  listeningPort = port;
  hosts = allowedHosts(config.host, port, { scheme });
  hostsCheckedAt = Date.now();
  apiHosts = hosts;

  // Agents and callbacks always talk plain HTTP over loopback. When the main listener cannot
  // serve that — it speaks TLS (a self-signed certificate would break curl and the MCP client),
  // or it is bound to one LAN address, which loopback clients cannot reach — a second listener
  // on 127.0.0.1 serves the internal API and callbacks only (docs/security.md).
  let internalOrigin = `http://${wildcard ? "127.0.0.1" : hostForUrl}:${port}`;
  let loopbackApi: Awaited<ReturnType<typeof createLoopbackApiServer>> | undefined;
  if (options.tls !== undefined || (exposed && !wildcard)) {
    loopbackApi = await createLoopbackApiServer({ api, preferredPort: port, publicOrigin: origin });
    internalOrigin = loopbackApi.origin;
    const loopbackHosts = allowedHosts("127.0.0.1", loopbackApi.port);
    apiHosts = Object.assign(new Set([...hosts, ...loopbackHosts]), { scheme });
  }
  services.origin = internalOrigin;

  // For other devices: the addresses a phone can dial (IPv4 first: what people type and scan).
  const remoteSignInUrls = (): string[] => {
    if (!exposed || !auth.enabled) return [];
    const addresses = wildcard
      ? localAddresses()
          .filter((a) => !isLoopbackAddress(a) && !(config.host === "0.0.0.0" && a.includes(":")))
          .sort((a, b) => Number(a.includes(":")) - Number(b.includes(":")))
      : [config.host];
    return addresses.map((a) => auth.loginUrl(`${scheme}//${a.includes(":") ? `[${a}]` : a}:${port}`));
  };
  publishRemoteAccess({
    devices,
    exposed,
    tls: options.tls !== undefined,
    // Read at each Settings render: the addresses of the moment.
    signInUrls: () => (!auth.enabled ? [] : exposed ? remoteSignInUrls() : [auth.loginUrl(origin)]),
  });

  let closing: Promise<void> | undefined;
  const close = (reason: string) => {
    closing ??= (async () => {
      logger.info({ reason }, "shutting down");
      api.beginShutdown();
      server.close();
      loopbackApi?.close();
      unsubscribeRevoked?.();
      devices?.flush();
      // Sessions keep running in the terminal host; the next app server reattaches to them.
      services.terminals.detach();
      terminalSockets.close();
      eventSockets.close();
      server.closeAllConnections();
      try {
        await nextApp.close();
      } catch (error) {
        logger.warn({ err: error }, "next did not close cleanly");
      }
      await services.close();
      clearServices();
      clearRemoteAccess();
    })();
    return closing;
  };

  return { services, server, origin, internalOrigin, exposed, remoteSignInUrls: remoteSignInUrls(), port, auth, close };
}
