import os from "node:os";
import { canLowerSessionGroups } from "../src/terminal/host/session-priority";
import { createTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { SettingsPage } from "./pages/settings-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

test("a settings change persists across a server restart", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(page).toHaveTitle("Settings · AI Manager");
  await expect(settings.setting("Scrollback lines")).toHaveValue("10000");

  await settings.saveSetting("Scrollback lines", "5000");
  await expect(settings.savedMessage).toBeVisible();

  // Leave the page first: its background requests to the stopping server would fail, loudly.
  await page.goto("about:blank");
  await app.restart();
  await settings.goto();
  await expect(settings.setting("Scrollback lines")).toHaveValue("5000");
  await expect(settings.setting("Max concurrent executions")).toHaveValue("20");
});

test("an out-of-range setting is refused next to its field and nothing is saved", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();

  await settings.setting("Max concurrent executions").fill("0");
  await settings.setting("Scrollback lines").fill("2000");
  await settings.saveButton.click();
  await expect(settings.setting("Max concurrent executions")).toHaveAccessibleErrorMessage("Must be at least 1");
  await expect(settings.setting("Max concurrent executions")).toHaveValue("0");
  await expect(settings.savedMessage).toHaveCount(0);

  await settings.setting("Scrollback lines").fill("");
  await settings.saveButton.click();
  await expect(settings.setting("Scrollback lines")).toHaveAccessibleErrorMessage("Is required");

  await page.reload();
  await expect(settings.setting("Max concurrent executions")).toHaveValue("20");
  await expect(settings.setting("Scrollback lines")).toHaveValue("10000");
});

test("task terminals run at background CPU priority by default; Normal applies from the next start", async ({ page, app, request }) => {
  // What a program in the terminal sees: its nice, and (where the kernel groups sessions) its group's.
  const report = `echo "niceness=$(nice) group=$(sed 's/.* nice /g/' /proc/self/autogroup 2>/dev/null || echo none)"\n`;
  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);

  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(settings.setting("CPU priority of task terminals")).toHaveValue("background");

  await taskPage.gotoId(await createTaskViaApi(request, app, { title: "Background run" }));
  await terminal.start("");
  // The group's nice where the kernel groups sessions and lets the server set it
  // (docs/terminal-host.md): within milliseconds, or a few seconds when other terminals start at
  // the same moment (the kernel's rate limit), so the shell waits for it before it reports.
  const groupsLowered = await canLowerSessionGroups();
  const awaitGroup = "for i in $(seq 200); do grep -q ' nice 15' /proc/self/autogroup && break; sleep 0.05; done; ";
  await terminal.type(groupsLowered ? awaitGroup + report : report);
  await terminal.expectText(groupsLowered ? /niceness=15 group=g15/ : /niceness=15 group=/);
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();

  await settings.goto();
  await settings.setTerminalCpuPriority("normal");

  await taskPage.gotoId(await createTaskViaApi(request, app, { title: "Normal run" }));
  await terminal.start("");
  await terminal.type(report);
  // As the server's own processes (started from this test runner, which is normally at nice 0).
  await terminal.expectText(new RegExp(`niceness=${os.getPriority()} group=(g0|none)`));
});
