import { ConfigError, loadConfig } from "../src/server/config";
import { createLogger } from "../src/server/logger";
import { startAppServer } from "./app-server";
import { HostRefusedError } from "../src/terminal/server/host-connection";
import { describeRefusal } from "./host-refusal";
import { loadTlsMaterial, type TlsMaterial } from "./tls";
import { terminalQr } from "../src/server/devices/qr";

/** Hard stop if a graceful shutdown hangs: the brief promises exit within 10 s. */
const SHUTDOWN_DEADLINE_MS = 9_000;

async function main(): Promise<void> {
  let config;
  let tls: TlsMaterial | undefined;
  try {
    config = loadConfig();
    // Checked before anything starts: a broken certificate should not surface at the first handshake.
    if (config.tls) tls = loadTlsMaterial(config.tls);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const app = await startAppServer(config, logger, { tls });
  logger.info({ url: app.origin, internalUrl: app.internalOrigin, dataDir: config.dataDir, dev: config.dev }, "AI Manager is listening");
  process.stdout.write(`\nAI Manager is running at ${app.origin}\n`);
  if (app.internalOrigin !== app.origin) {
    process.stdout.write(`Agents and the MCP server reach it at ${app.internalOrigin} (loopback only)\n`);
  }
  if (app.auth.enabled) {
    process.stdout.write(`Sign in by opening: ${app.auth.loginUrl(app.origin)}\n`);
    await printRemoteSignIn(app.remoteSignInUrls, app.exposed);
  } else {
    process.stdout.write("\n");
    logger.warn("AI_MANAGER_AUTH=none: anyone who can reach this port can use the UI and type into terminals");
  }

  const shutdown = (reason: string) => {
    const deadline = setTimeout(() => {
      logger.error({ reason }, "shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    const running = app.services.sessions.runningCount();
    const hostPid = app.services.sessions.connection.welcome.hostPid;
    app
      .close(reason)
      .then(() => {
        logger.flush();
        if (running > 0 && reason !== "terminal host stopping") {
          process.stdout.write(
            `\nAI Manager stopped. ${running} session${running === 1 ? " keeps" : "s keep"} running in the terminal host (pid ${hostPid}).\n` +
              "  npm start      reattaches to them\n  npm run stop   ends them and the host\n",
          );
        }
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // `npm run stop` ends every session and the host; the app server has nothing left to serve.
  app.services.sessions.onHostStopping(() => shutdown("terminal host stopping"));
}

/**
 * The sign-in URL for another device, as text and as a QR code to scan with the phone's camera.
 * Only when other devices can reach this server: a QR code of 127.0.0.1 would open nothing there.
 */
async function printRemoteSignIn(urls: string[], exposed: boolean): Promise<void> {
  if (!exposed) {
    process.stdout.write("To use it from your phone, start it with HOST=0.0.0.0 (see README, \"From another device\").\n\n");
    return;
  }
  if (urls.length === 0) {
    process.stdout.write("No network address found on this machine for other devices to open.\n\n");
    return;
  }
  process.stdout.write("\nFrom another device on your network, open (it signs that device in; keep it private):\n");
  for (const url of urls) process.stdout.write(`  ${url}\n`);
  process.stdout.write(`or scan this code with its camera (${new URL(urls[0]!).host}):\n\n${await terminalQr(urls[0]!)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof HostRefusedError) {
    process.stderr.write(`AI Manager did not start: ${describeRefusal(error.refusal)}\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`AI Manager failed to start: ${message}\n`);
  if (error && typeof error === "object" && (error as { code?: string }).code === "EADDRINUSE") {
    process.stderr.write("Another program uses that port; set PORT to a free one (e.g. PORT=3001 npm start).\n");
  }
  process.exit(1);
});
