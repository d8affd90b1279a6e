#!/usr/bin/env node
// `npm run restart`: stops the app server of this data dir (its sessions keep running in the
// terminal host), then starts it again in this terminal, reattached to them. See docs/terminal-host.md.
await import("./register-tsx.mjs");
const { loadConfig } = await import("../src/server/config.ts");
const { connectedAppPid, stopAppServer } = await import("../src/terminal/server/host-control.ts");

const { dataDir } = loadConfig(process.env);
const pid = await connectedAppPid(dataDir);
if (pid) {
  process.stdout.write(`Stopping the app server (pid ${pid}); sessions keep running…\n`);
  if (!(await stopAppServer(pid))) {
    process.stderr.write(`The app server (pid ${pid}) did not exit within 10 s; not starting another.\n`);
    process.exit(1);
  }
}
await import("./start.mjs");
