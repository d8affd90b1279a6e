import fs from "node:fs";
import path from "node:path";
import { createTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { TerminalScreen } from "./pages/terminal-screen";

test("Mark done sets the task done from its page", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Accept the change" });
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  await expect(taskPage.statusBadge).toHaveText("To do");
  await page.getByRole("button", { name: "Mark done" }).click();
  await expect(taskPage.statusBadge).toHaveText("Done");
  await expect(page.getByRole("button", { name: "Mark done" })).toBeHidden();
  await page.reload();
  await expect(taskPage.statusBadge).toHaveText("Done");
});

/**
 * Needs the recording endpoint (GET /api/executions/<id>/recording, issue 5): until it exists,
 * this test fails at "View output" with the dialog's error message.
 */
test("an ended run's output is replayed from its recording, and the .cast can be downloaded", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Recorded run" });
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.start("");
  await terminal.type("echo recorded-$((6*7)); printf '\\033[32mgreen-line\\033[0m\\n'\n");
  await terminal.expectText("recorded-42");
  await terminal.expectText("green-line");
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();

  const run = taskPage.runs.getByTestId("run-row").first();
  await expect(run).toContainText("Stopped");
  await run.getByRole("button", { name: "View output" }).click();
  const dialog = page.getByRole("dialog", { name: "Run output" });
  await expect(dialog).toBeVisible();
  const replay = new TerminalScreen(dialog.getByTestId("recording-screen"));
  await replay.expectText("recorded-42");
  await replay.expectText("green-line");
  await expect(dialog.getByRole("status")).toContainText("Read-only replay");
  // Read-only: typing into the replay goes nowhere.
  await dialog.getByTestId("recording-screen").click();
  await page.keyboard.type("echo typed-into-replay\n");
  await replay.expectNoText("typed-into-replay");

  const download = dialog.getByRole("link", { name: "Download .cast" });
  const href = await download.getAttribute("href");
  expect(href).toMatch(/^\/api\/executions\/[^/]+\/recording\?download=1$/);
  const response = await page.request.get(`${app.baseURL}${href}`);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/x-asciicast");
  expect(response.headers()["content-disposition"]).toMatch(/^attachment/);
  const [header, ...events] = (await response.text()).trim().split("\n");
  expect(JSON.parse(header!)).toMatchObject({ version: 2 });
  expect(events.some((line) => line.includes("recorded-42"))).toBe(true);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();

  // In a phone-wide window the recording, wider than the dialog, scrolls inside its own box: the
  // dialog itself (its title, the download) does not scroll sideways.
  const desktopSize = page.viewportSize()!;
  await page.setViewportSize({ width: 360, height: 740 });
  await run.getByRole("button", { name: "View output" }).click();
  await replay.expectText("recorded-42");
  expect(await dialog.getByTestId("recording-screen").evaluate((screen) => screen.scrollWidth > screen.clientWidth), "the recording is wider than a phone").toBe(true);
  await expect.poll(() => dialog.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.setViewportSize(desktopSize);

  // A run whose recording is gone says so instead of showing an empty terminal.
  const executionId = /\/api\/executions\/([^/]+)\//.exec(href!)![1]!;
  fs.rmSync(path.join(app.dataDir, "recordings", `${executionId}.cast`), { force: true });
  await run.getByRole("button", { name: "View output" }).click();
  await expect(dialog.getByRole("status")).toContainText("No recording was kept for this run");
  await expect(dialog.getByTestId("recording-screen")).toBeHidden();
});
