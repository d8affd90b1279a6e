import { ConfigError, loadConfig } from "../src/server/config";
import { createLogger } from "../src/server/logger";
import { startAppServer } from "./app-server";
import { HostRefusedError } from "../src/terminal/server/host-connection";
import { describeRefusal } from "./host-refusal";

/** Hard stop if a graceful shutdown hangs: the brief promises exit within 10 s. */
const SHUTDOWN_DEADLINE_MS = 9_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const app = await startAppServer(config, logger);
  logger.info({ url: app.origin, dataDir: config.dataDir, dev: config.dev }, "AI Manager is listening");
  process.stdout.write(`\nAI Manager is running at ${app.origin}\n`);
  if (app.auth.enabled) {
    process.stdout.write(`Sign in by opening: ${app.auth.loginUrl(app.origin)}\n\n`);
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
