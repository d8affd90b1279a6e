#!/usr/bin/env node
// `npm run stop`: ends every session of this data dir, its terminal host and the app server
// connected to it, within 10 s. See docs/terminal-host.md.
await import("./register-tsx.mjs");
const { loadConfig } = await import("../src/server/config.ts");
const { stopHost } = await import("../src/terminal/server/host-control.ts");

const { dataDir } = loadConfig(process.env);
try {
  const report = await stopHost(dataDir);
  if (!report.hostFound) {
    process.stdout.write(`No terminal host runs for ${dataDir}: nothing to stop.\n`);
  } else {
    const sessions = `${report.stoppedSessions} session${report.stoppedSessions === 1 ? "" : "s"}`;
    const app = report.appPid ? ` and the app server (pid ${report.appPid})` : "";
    const how = report.how === "signal" ? " (a host of another version, stopped by SIGTERM)" : "";
    process.stdout.write(`Stopped ${sessions}, the terminal host (pid ${report.hostPid})${app}${how}.\n`);
  }
} catch (error) {
  process.stderr.write(`npm run stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
