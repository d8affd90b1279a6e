import fs from "node:fs";
import net from "node:net";
import { createLogger } from "../../server/logger";
import { loadOrCreateTokenFile } from "../../server/security/secrets";
import { HOST_PROTOCOL_VERSION } from "../contract/host-protocol";
import { connectToSocket, HOST_TOKEN_FILE, hostFiles, readHostInfo, socketPathProblem, type HostInfoFile } from "./host-files";
import { TerminalHostService } from "./host-service";

/**
 * The terminal host process: `node .next/ai-manager/host-main.mjs --data-dir <dir>` (the build's
 * bundle of this file; from the sources `node --import tsx src/terminal/host/host-main.ts …`),
 * started detached by the app server (src/terminal/server/host-launcher.ts) when none runs for
 * its data dir. It listens on `<dataDir>/terminal-host.sock` (0600), never on TCP, and exits when
 * it has held no session and seen no app server for HOST_IDLE_EXIT_MS, or when told to stop
 * (`npm run stop`, SIGTERM: every session is stopped first). See docs/terminal-host.md.
 */

/** How long the host lingers with no session and no app server before it exits. */
const HOST_IDLE_EXIT_MS = Number(process.env.AI_MANAGER_HOST_IDLE_MS) || 30_000;
/** A stop must end within the promise of `npm run stop` (10 s) even if a session will not die. */
const SHUTDOWN_DEADLINE_MS = 9_000;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dataDir = argValue("--data-dir");
if (!dataDir) {
  process.stderr.write("usage: host-main.ts --data-dir <dir>\n");
  process.exit(2);
}
const files = hostFiles(dataDir);
const logger = createLogger(process.env.LOG_LEVEL ?? "info", "ai-manager-terminal-host");
const tooLong = socketPathProblem(files);
if (tooLong) {
  logger.error(tooLong);
  process.exit(1);
}
fs.mkdirSync(files.dataDir, { recursive: true, mode: 0o700 });
// Tests of version mismatches start a host that speaks another protocol; nothing else sets this.
const protocol = Number(process.env.AI_MANAGER_HOST_PROTOCOL) || HOST_PROTOCOL_VERSION;
const token = loadOrCreateTokenFile(files.dataDir, HOST_TOKEN_FILE);
const service = new TerminalHostService({
  token,
  protocol,
  log: (message, fields) => logger.info(fields ?? {}, message),
});

let exiting = false;
function exit(code: number): void {
  if (exiting) return;
  exiting = true;
  server.close();
  // Only the socket this process created: a newer host may already have replaced it.
  try {
    if (fs.statSync(files.socket).ino === socketInode) fs.rmSync(files.socket, { force: true });
  } catch {
    // Already gone.
  }
  if (readHostInfo(files.dataDir)?.pid === process.pid) fs.rmSync(files.info, { force: true });
  logger.info({ code }, "terminal host exits");
  logger.flush();
  setTimeout(() => process.exit(code), 50).unref();
}

const server = net.createServer((socket) => service.accept(socket, socket));
let socketInode = 0;

if (process.argv.includes("--stdio")) {
  // One connection on this process's stdin/stdout (a host started over SSH or `kubectl exec`,
  // docs/remote-hosts.md): no socket, no pid file; its sessions end when the stream does.
  process.stdin.on("end", () => void service.shutdown().then(() => process.exit(0)));
  service.accept(process.stdin, process.stdout);
  service.onShutdown(() => setTimeout(() => process.exit(0), 50));
  await new Promise(() => undefined);
}

const probe = await connectToSocket(files.socket);
if (probe) {
  probe.destroy();
  logger.info("another terminal host serves this data dir; exiting");
  process.exit(0);
}
fs.rmSync(files.socket, { force: true });
// The socket is created 0600 (umask), not chmod-ed afterwards: no moment where others could connect.
const previousUmask = process.umask(0o177);
await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(files.socket, () => {
    server.off("error", reject);
    resolve();
  });
});
process.umask(previousUmask);
socketInode = fs.statSync(files.socket).ino;
const info: HostInfoFile = { pid: process.pid, protocol, startedAt: service.startedAt.toISOString() };
fs.writeFileSync(files.info, `${JSON.stringify(info)}\n`, { mode: 0o600 });
logger.info({ pid: process.pid, protocol, socket: files.socket }, "terminal host listening");

let idleTimer: NodeJS.Timeout | undefined;
const armIdleExit = () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (service.sessionCount === 0 && !service.hasApp) exit(0);
  }, HOST_IDLE_EXIT_MS);
};
service.onIdle(armIdleExit);
armIdleExit();
service.onShutdown(() => exit(0));

const stop = (signal: NodeJS.Signals) => {
  logger.info({ signal }, "stopping every session");
  setTimeout(() => exit(1), SHUTDOWN_DEADLINE_MS).unref();
  void service.shutdown();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
// Started detached, it has no terminal; a hang-up is not a reason to end every agent.
process.on("SIGHUP", () => undefined);
// One session's bug must not end every other session: log it and go on.
process.on("uncaughtException", (error) => logger.error({ err: error }, "uncaught exception in the terminal host"));
process.on("unhandledRejection", (error) => logger.error({ err: error }, "unhandled rejection in the terminal host"));
