import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { writeFakeClaudeBin } from "../test/fixtures/fake-claude-bin";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test, type App } from "./fixtures/test";
import { SettingsPage } from "./pages/settings-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { isAlive } from "../src/terminal/host/process-tree";

/**
 * A Claude task whose server is killed (-9) while it runs. Its terminal lives in the terminal
 * host, so after a restart the page finds it still running, as it was. When the host dies too (a
 * crash that takes both), the task page says Interrupted and offers Resume, and Resume runs
 * `claude --resume <the recorded session id>`. `claude` is the fake from test/fixtures (hooks,
 * MCP call, then it stays alive).
 */
const SESSION_ID = "crash-e2e-session-7";
// Written in beforeAll, not at load: Playwright also loads this file just to list its tests,
// and nothing would remove a directory made then.
const fakeBin = path.join(os.tmpdir(), `aim-fake-claude-e2e-${process.pid}`);

test.use({ appOptions: { env: { PATH: `${fakeBin}:${process.env.PATH ?? ""}` } } });
test.beforeAll(() => writeFakeClaudeBin(SESSION_ID, fakeBin));
test.afterAll(() => fs.rmSync(fakeBin, { recursive: true, force: true }));
// The fake Claude runs four Node processes (itself, a hook, the MCP server, its report) before it
// prints WAITING-FOR-KILL. At the default background priority, a machine busy with other work gives
// their session group (nice 15) a few per cent of a core, and that alone took 80 s under
// `stress-ng --cpu 2`. What this file tests is recovery, not the priority (e2e/settings.spec.ts).
test.beforeEach(async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await settings.setTerminalCpuPriority("normal");
});

async function terminalStatus(request: APIRequestContext, app: App, taskId: string): Promise<Record<string, unknown>> {
  const token = fs.readFileSync(`${app.dataDir}/internal-token`, "utf8").trim();
  const response = await request.get(`${app.baseURL}/api/internal/terminal/${taskId}/status`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

test("after kill -9 of the server and a restart, the running task's terminal is still there and still answers", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Survivor", prompt: "keep going", profile: "Claude Code" });
  await startTaskViaApi(request, app, taskId);
  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);
  await taskPage.gotoId(taskId);
  await terminal.waitLive();
  await terminal.expectText("WAITING-FOR-KILL");
  const before = await terminalStatus(request, app, taskId);

  await page.goto("about:blank");
  await app.kill();
  await app.start();

  await taskPage.gotoId(taskId);
  await terminal.waitLive();
  // The same run, still running, its screen restored from the host's mirror.
  await terminal.expectText("WAITING-FOR-KILL");
  await expect(taskPage.statusBadge).toHaveText("Running");
  await expect(terminal.resumeButton).toBeHidden();
  const after = await terminalStatus(request, app, taskId);
  expect(after).toMatchObject({ live: true, running: true, executionId: before.executionId, pid: before.pid, executionStatus: "running" });
  // Typing reaches the terminal through the new server (its line discipline echoes the keys).
  await terminal.type("still-here");
  await terminal.expectText("still-here");
});

test("after kill -9 of the server and its terminal host, a running Claude task is interrupted and offers Resume with its session", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Claude crash", prompt: "fix the flaky test", profile: "Claude Code" });
  await startTaskViaApi(request, app, taskId);
  await expect.poll(async () => (await terminalStatus(request, app, taskId)).agentSessionId).toBe(SESSION_ID);

  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);
  await taskPage.gotoId(taskId);
  await terminal.waitLive();
  await terminal.expectText("WAITING-FOR-KILL");
  await expect(taskPage.statusBadge).toHaveText("Running");
  await expect(terminal.resumeButton).toBeHidden();

  // Leave the page first: its sockets would otherwise log failed reconnects while the server is down.
  await page.goto("about:blank");
  const hostPid = app.hostPid();
  expect(hostPid, "the terminal host's pid").toBeDefined();
  await app.kill();
  process.kill(hostPid!, "SIGKILL");
  await expect.poll(() => isAlive(hostPid!)).toBe(false);
  await app.start();

  await taskPage.gotoId(taskId);
  await expect(taskPage.statusBadge).toHaveText("Interrupted");
  await expect(terminal.resumeButton).toBeVisible();
  // The run's output is still there, from its recording.
  await expect(taskPage.runs).toContainText(/interrupted/i);

  await terminal.resumeButton.click();
  await terminal.waitLive();
  await terminal.expectText(`RESUMING ${SESSION_ID}`);
  await expect(taskPage.statusBadge).toHaveText("Running");
  const resumed = await terminalStatus(request, app, taskId);
  expect(resumed.commandLine).toContain(`--resume ${SESSION_ID}`);
  expect(resumed.running).toBe(true);
});
