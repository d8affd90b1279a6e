import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/server/config";
import { createLogger } from "../../src/server/logger";
import { createServices, type CreateServicesOptions, type Services } from "../../src/server/services";
import type { CliProfile, Task } from "../../src/server/db/schema";
import type { TerminalHostService } from "../../src/terminal/host/host-service";
import { startInProcessHost } from "./in-process-host";

/**
 * Real services on a throwaway data dir: real SQLite file, real migrations, real PTYs.
 * `options` may add composition options (e.g. a prepareLaunch hook) that need the data dir or
 * the services themselves (called lazily, once they exist).
 */
export async function createTestServices(
  options?: (dataDir: string, services: () => Services) => Omit<CreateServicesOptions, "host">,
): Promise<TestServices> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-test-"));
  const config = loadConfig({ AI_MANAGER_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent", NODE_ENV: "test" });
  const host = await startInProcessHost();
  const services: Services = createServices(config, createLogger("silent"), "test", { ...options?.(dataDir, () => services), host: host.connection });
  services.origin = "http://127.0.0.1:9";
  // These tests time their programs against the test runner's own work (a flood that must outrun
  // a slow view, ticks that must keep coming): at the default background priority the programs
  // would yield to the runner's other workers. The priority itself is tested where it is set.
  services.settings.update({ "terminal.cpuPriority": "normal" });
  return Object.assign(services, {
    dataDir,
    host: host.service,
    async stopSessions() {
      await host.service.shutdown();
    },
    async dispose() {
      await host.service.shutdown();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export type TestServices = Services & {
  dataDir: string;
  /** The terminal host the sessions run in (in this process). */
  host: TerminalHostService;
  /** Stops every session (what `npm run stop` does to a host), their exits recorded. */
  stopSessions(): Promise<void>;
  dispose(): Promise<void>;
};

export function shellProfile(services: Services): CliProfile {
  const shell = services.profiles.list().find((p) => p.kind === "shell");
  if (!shell) throw new Error("no shell profile seeded");
  return services.profiles.update(shell.id, { name: shell.name, kind: "shell", command: "/bin/bash", args: ["--norc", "--noprofile", "-i"], env: { PS1: "$ " }, promptDelivery: "type" });
}

export function commandProfile(services: Services, name: string, command: string, args: string[]): CliProfile {
  return services.profiles.create({ name, kind: "custom", command, args, promptDelivery: "args" });
}

export function makeTask(services: Services, profile: CliProfile, title = "task", prompt = ""): Task {
  return services.tasks.create({ title, cwd: os.tmpdir(), prompt, profileId: profile.id });
}

/**
 * Polls a condition (no fixed sleeps): resolves when it holds, rejects after `timeoutMs`. `what`
 * names the condition in the error; a function describes the state at that moment.
 */
export async function waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10_000, what: string | (() => string) = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
