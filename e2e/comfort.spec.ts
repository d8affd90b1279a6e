import type { Page } from "@playwright/test";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { expectShortcutsReady } from "./pages/shortcuts";

/** The terminal's painted background (xterm sets it from its theme on its scrollable element). */
function terminalBackground(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.querySelector("[data-testid=terminal-screen] .xterm-scrollable-element");
    return element ? getComputedStyle(element).backgroundColor : "none";
  });
}

const DARK_TERMINAL = "rgb(11, 14, 20)";
const LIGHT_TERMINAL = "rgb(251, 251, 252)";

test("the theme switches live (terminal included), persists across reloads and is rendered by the server", async ({ page, app, request, context }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Theme check", prompt: "echo themed-$((2*21))" });
  await startTaskViaApi(request, app, taskId);
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.expectText("themed-42");
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect.poll(() => terminalBackground(page)).toBe(DARK_TERMINAL);

  // Switch: the page and the live terminal follow at once, without a reload or a reconnect.
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect.poll(() => terminalBackground(page)).toBe(LIGHT_TERMINAL);
  await expect(terminal.connection).toHaveText("Live");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");

  // Reload: the server renders the light theme from the cookie (no dark flash first).
  const served = await context.request.get(`${app.baseURL}/tasks/${taskId}`);
  expect(await served.text()).toContain('data-theme="light"');
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "light");
  await terminal.expectText("themed-42");
  await expect.poll(() => terminalBackground(page)).toBe(LIGHT_TERMINAL);
  expect(await page.evaluate(() => localStorage.getItem("ai-manager.theme"))).toBe("light");

  // A lost cookie is restored from localStorage.
  await context.clearCookies({ name: "ai-manager-theme" });
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "light");
  expect((await context.cookies()).find((cookie) => cookie.name === "ai-manager-theme")?.value).toBe("light");

  // The `t` key switches back.
  await expectShortcutsReady(page);
  await page.locator("h1").click();
  await page.keyboard.press("t");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect.poll(() => terminalBackground(page)).toBe(DARK_TERMINAL);
});

test("a page refresh already under way when the theme changes does not undo the change; other tabs follow a switch", async ({ page, app, request }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).toHaveAttribute("data-theme", "light");

  // The board's live refresh is rendered with the light cookie and answered after the switch back.
  let releaseRefresh!: () => void;
  const released = new Promise<void>((resolve) => (releaseRefresh = resolve));
  let refreshHeld!: () => void;
  const held = new Promise<void>((resolve) => (refreshHeld = resolve));
  await page.route(
    (url) => url.pathname === "/",
    async (route) => {
      const headers = route.request().headers();
      if (headers.rsc !== "1" || headers["next-router-prefetch"]) return route.continue();
      // Rendered now, with the light cookie; answered once the theme has changed.
      const response = await route.fetch();
      refreshHeld();
      await released;
      await route.fulfill({ response });
    },
  );
  await createTaskViaApi(request, app, { title: "Created during the switch" });
  await held;
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  releaseRefresh();

  // The refresh lands (the new card shows) and the theme chosen after it was sent stays.
  await expect(board.card("Created during the switch")).toBeVisible();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("button", { name: "Switch to light theme" })).toBeVisible();

  // Another tab's switch is followed here.
  const other = await page.context().newPage();
  await new BoardPage(other, app).goto();
  await other.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect(page.getByRole("button", { name: "Switch to dark theme" })).toBeVisible();
});

test("keyboard shortcuts open Missions, the board, Settings, a new task and the help; typing is left alone", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  await expect(page).toHaveTitle("Board · AI Manager");

  await page.keyboard.press("m");
  await page.waitForURL(`${app.baseURL}/missions`);
  await expect(page).toHaveTitle("Missions · AI Manager");

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("New task");
  await expect(help).toContainText("Open Missions");
  // Keys belong to the open dialog.
  await page.keyboard.press("b");
  await expect(page).toHaveURL(`${app.baseURL}/missions`);
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("s");
  await page.waitForURL(`${app.baseURL}/settings`);
  await expect(page).toHaveTitle("Settings · AI Manager");

  // `n` from anywhere: the board with the New task dialog open.
  await page.keyboard.press("n");
  await page.waitForURL(`${app.baseURL}/`);
  await expect(board.newTaskDialog).toBeVisible();
  // Typing an "m" in a field types an m.
  await board.newTaskDialog.getByLabel("Title").fill("");
  await board.newTaskDialog.getByLabel("Title").pressSequentially("mbs?");
  await expect(board.newTaskDialog.getByLabel("Title")).toHaveValue("mbs?");
  await expect(page).toHaveURL(`${app.baseURL}/`);
  await board.newTaskDialog.getByRole("button", { name: "Cancel" }).click();

  // The nav button opens the same help.
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await expect(help).toBeVisible();
  await help.getByRole("button", { name: "Close" }).click();
  await page.keyboard.press("b");
  await expect(board.heading).toBeVisible();
});

test("keys typed into a terminal stay in the terminal", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Terminal keys" });
  await startTaskViaApi(request, app, taskId);
  await new TaskPage(page, app).gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.waitLive();
  await terminal.type("echo msbn-$((1+1))\n");
  await terminal.expectText("msbn-2");
  await expect(page).toHaveURL(`${app.baseURL}/tasks/${taskId}`);
});

for (const size of [
  { width: 1280, height: 720, minColumns: 3 },
  { width: 2560, height: 1440, minColumns: 6 },
]) {
  test(`Missions lays out tiles for a ${size.width}×${size.height} screen`, async ({ page, app, request }, testInfo) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (let i = 1; i <= 7; i++) {
      const id = await createTaskViaApi(request, app, { title: `Layout ${i}`, prompt: `echo layout-${i}-ready` });
      await startTaskViaApi(request, app, id);
    }
    const missions = new MissionsPage(page, app);
    await missions.goto();
    await expect(missions.tiles).toHaveCount(7);
    await missions.terminal("Layout 1").expectText("layout-1-ready");
    const columns = await missions.liveGrid.evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(" ").length);
    expect(columns).toBeGreaterThanOrEqual(size.minColumns);
    // Nothing sideways: the page is exactly as wide as the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    await testInfo.attach(`missions-${size.width}.png`, { body: await page.screenshot(), contentType: "image/png" });

    const board = new BoardPage(page, app);
    await board.goto();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    await testInfo.attach(`board-${size.width}.png`, { body: await page.screenshot(), contentType: "image/png" });
  });
}
