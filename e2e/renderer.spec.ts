import type { Browser, BrowserType, Page } from "@playwright/test";
import { findChromium } from "../scripts/find-browser.mjs";
import { RENDERER_STORAGE_KEY } from "../src/terminal/client/renderer-choice";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test, type App } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import { SettingsPage } from "./pages/settings-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { TerminalScreen } from "./pages/terminal-screen";

/**
 * Which renderer draws each terminal (docs/rendering.md): WebGL when chosen on every view, DOM when
 * WebGL is off, after a lost context, when chosen in Settings, and for the tiles past the page's
 * WebGL budget. Debian's headless Chromium has WebGL2 (SwiftShader) even with --disable-gpu;
 * `--disable-webgl` turns it off. SwiftShader is a software rasterizer, so the default ("auto")
 * draws with DOM here: the tests that need WebGL choose it for the browser first.
 */

/** Chromium's own limit of live WebGL contexts per page (checked here: the 17th loses the oldest). */
const CHROMIUM_WEBGL_CONTEXTS = 16;
/** The page's budget of WebGL terminals (WEBGL_TERMINAL_BUDGET in src/terminal/client/terminal-renderer.ts). */
const WEBGL_TERMINAL_BUDGET = 12;
const TOO_MANY_CONTEXTS = /Too many active WebGL contexts/;

/** Chooses WebGL for this browser before any page of the test loads (the Settings choice, stored in localStorage). */
async function chooseWebgl(page: Page): Promise<void> {
  await page.addInitScript((key) => window.localStorage.setItem(key, "webgl"), RENDERER_STORAGE_KEY);
}

/** The replay of a task's latest run, opened from its runs table. */
async function openReplay(page: Page, taskPage: TaskPage): Promise<TerminalScreen> {
  await taskPage.runs.getByTestId("run-row").first().getByRole("button", { name: "View output" }).click();
  const dialog = page.getByRole("dialog", { name: "Run output" });
  await expect(dialog.getByRole("status")).toContainText("Read-only replay");
  return new TerminalScreen(dialog.getByTestId("recording-screen"));
}

/** Loses the WebGL context of the terminal's canvas, as a GPU reset would (WEBGL_lose_context). */
async function loseContext(screen: TerminalScreen): Promise<void> {
  const lost = await screen.element.evaluate((element) => {
    for (const canvas of element.querySelectorAll("canvas")) {
      // The canvas that already has a WebGL2 context returns it; the others (2D layers) return null.
      const gl = canvas.getContext("webgl2");
      const extension = gl?.getExtension("WEBGL_lose_context");
      if (extension) {
        extension.loseContext();
        return true;
      }
    }
    return false;
  });
  expect(lost, "the terminal has a WebGL canvas to lose").toBe(true);
}

/** A second browser with WebGL turned off, signed in like the test's own. */
async function browserWithoutWebgl(chromium: BrowserType, app: App): Promise<{ browser: Browser; page: Page }> {
  const found = findChromium();
  if (!found.path) throw new Error(found.problem);
  const browser = await chromium.launch({
    executablePath: found.path,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--no-first-run", "--disable-webgl"],
  });
  const context = await browser.newContext();
  if (app.loginURL) {
    const response = await context.request.get(app.loginURL, { maxRedirects: 0, headers: { connection: "close" } });
    expect(response.status(), "the login URL signs in").toBeLessThan(400);
  }
  return { browser, page: await context.newPage() };
}

test("every terminal view draws with WebGL when it is chosen: task page, Missions tile, replay", async ({ page, app, request }) => {
  await chooseWebgl(page);
  const taskId = await createTaskViaApi(request, app, { title: "Drawn by the GPU" });
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.start("");
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "webgl");
  await expect(terminal.text.element).toHaveAttribute("data-terminal-view", "task");
  await expect(terminal.text.element).toHaveAttribute("data-task-id", taskId);
  await terminal.type("echo gpu-$((6*7))\n");
  await terminal.expectText("gpu-42");
  // A canvas draws it: there are no DOM text rows.
  await expect(terminal.screen.locator(".xterm-rows")).toHaveCount(0);

  const missions = new MissionsPage(page, app);
  await missions.goto();
  const tile = missions.terminal("Drawn by the GPU");
  await expect(tile.text.element).toHaveAttribute("data-renderer", "webgl");
  await expect(tile.text.element).toHaveAttribute("data-terminal-view", "tile");
  await tile.expectText("gpu-42");

  await taskPage.gotoId(taskId);
  await terminal.waitLive();
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();
  const replay = await openReplay(page, taskPage);
  await expect(replay.element).toHaveAttribute("data-renderer", "webgl");
  await expect(replay.element).toHaveAttribute("data-terminal-view", "replay");
  await replay.expectText("gpu-42");
});

test("with WebGL off every view draws with DOM, shows its output and takes keys", async ({ app, request, playwright }) => {
  const taskId = await createTaskViaApi(request, app, { title: "No GPU here" });
  const { browser, page } = await browserWithoutWebgl(playwright.chromium, app);
  try {
    const settings = new SettingsPage(page, app);
    await settings.goto();
    await expect(page.getByTestId("renderer-in-use")).toHaveText("In use: DOM — WebGL2 is unavailable in this browser.");

    const taskPage = new TaskPage(page, app);
    await taskPage.gotoId(taskId);
    const terminal = new TerminalPanel(page);
    await terminal.start("");
    await expect(terminal.text.element).toHaveAttribute("data-renderer", "dom");
    await expect(terminal.text.element).toHaveAttribute("data-renderer-reason", "unavailable");
    await terminal.type("echo dom-$((6*7))\n");
    await terminal.expectText("dom-42");
    // The DOM renderer draws text rows, and they hold the same output the probe reads.
    await expect(terminal.screen.locator(".xterm-rows")).toContainText("dom-42");

    const missions = new MissionsPage(page, app);
    await missions.goto();
    const tile = missions.terminal("No GPU here");
    await expect(tile.text.element).toHaveAttribute("data-renderer", "dom");
    await tile.expectText("dom-42");
    await tile.type("echo tile-typed-$((2+3))\n");
    await tile.expectText("tile-typed-5");

    await taskPage.gotoId(taskId);
    await terminal.waitLive();
    await terminal.stopButton.click();
    await expect(terminal.exitInfo).toBeVisible();
    const replay = await openReplay(page, taskPage);
    await expect(replay.element).toHaveAttribute("data-renderer", "dom");
    await replay.expectText("tile-typed-5");
  } finally {
    await browser.close();
  }
});

test("a lost WebGL context falls back to DOM: the screen stays and typing still works", async ({ page, app, request }) => {
  await chooseWebgl(page);
  const taskId = await createTaskViaApi(request, app, { title: "Context lost" });
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.start("");
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "webgl");
  await terminal.type("echo before-$((6*7))\n");
  await terminal.expectText("before-42");

  await loseContext(terminal.text);
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "dom");
  await expect(terminal.text.element).toHaveAttribute("data-renderer-reason", "context-lost");
  // What was on the screen is still there, now drawn as DOM rows.
  await expect(terminal.screen.locator(".xterm-rows")).toContainText("before-42");
  await terminal.type("echo after-$((2+3))\n");
  await terminal.expectText("after-5");
  await expect(terminal.screen.locator(".xterm-rows")).toContainText("after-5");
});

test("the renderer chosen in Settings: automatic skips software WebGL, open terminals switch, new ones follow", async ({ page, app, request, context }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Chosen renderer" });
  await startTaskViaApi(request, app, taskId);
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.waitLive();
  // The default, automatic: this Chromium's WebGL is SwiftShader (drawn by the CPU), so DOM.
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "dom");
  await expect(terminal.text.element).toHaveAttribute("data-renderer-reason", "software");
  await terminal.type("echo chosen-$((6*7))\n");
  await terminal.expectText("chosen-42");

  // Settings in another tab: the choice is stored in this browser and reaches the open terminal.
  const settingsTab = await context.newPage();
  const settings = new SettingsPage(settingsTab, app);
  await settings.goto();
  const browserPanel = settingsTab.getByRole("region", { name: "This browser" });
  await expect(browserPanel.getByRole("radio", { name: /^Automatic/ })).toBeChecked();
  await expect(browserPanel.getByTestId("renderer-in-use")).toHaveText("In use: DOM — WebGL here is SwiftShader, software rendering.");
  await browserPanel.getByRole("radio", { name: /^WebGL/ }).check();
  await expect(browserPanel.getByTestId("renderer-in-use")).toHaveText("In use: WebGL (SwiftShader, software rendering).");
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "webgl");
  await terminal.expectText("chosen-42");
  await browserPanel.getByRole("radio", { name: /^DOM/ }).check();
  await expect(browserPanel.getByTestId("renderer-in-use")).toHaveText("In use: DOM (chosen for this browser).");
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "dom");
  await expect(terminal.text.element).toHaveAttribute("data-renderer-reason", "chosen");
  await expect(terminal.screen.locator(".xterm-rows")).toContainText("chosen-42");

  // A terminal opened afterwards (a reload, the Missions page) starts on DOM.
  await page.reload();
  await terminal.waitLive();
  await expect(terminal.text.element).toHaveAttribute("data-renderer", "dom");
  await terminal.expectText("chosen-42");
  await terminal.type("echo still-typed-$((2+3))\n");
  await terminal.expectText("still-typed-5");
  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.terminal("Chosen renderer").text.element).toHaveAttribute("data-renderer", "dom");

  // The choice survives a reload of Settings, and WebGL comes back when chosen again.
  await settingsTab.reload();
  await expect(browserPanel.getByRole("radio", { name: /^DOM/ })).toBeChecked();
  await browserPanel.getByRole("radio", { name: /^WebGL/ }).check();
  await expect(missions.terminal("Chosen renderer").text.element).toHaveAttribute("data-renderer", "webgl");
  await missions.terminal("Chosen renderer").expectText("still-typed-5");
});

test("twenty Missions tiles all draw their output within the page's WebGL budget; contexts lost to the browser's limit fall back", async ({
  page,
  app,
  request,
}) => {
  test.setTimeout(240_000);
  await chooseWebgl(page);
  // Five columns of four rows: all twenty tiles on screen at once.
  await page.setViewportSize({ width: 2100, height: 1500 });
  const warnings: string[] = [];
  page.on("console", (message) => {
    if (TOO_MANY_CONTEXTS.test(message.text())) warnings.push(message.text());
  });
  const titles = Array.from({ length: 20 }, (_, i) => `Tile ${String(i + 1).padStart(2, "0")}`);
  const ids = await Promise.all(titles.map((title, i) => createTaskViaApi(request, app, { title, prompt: `echo "marker-${i + 1}-$((1000+${i + 1}))"` })));
  for (const id of ids) await startTaskViaApi(request, app, id);

  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(20);
  for (const [i, title] of titles.entries()) await missions.terminal(title).expectText(`marker-${i + 1}-${1000 + i + 1}`);

  const renderers = async () => Promise.all(titles.map(async (title) => ({
    title,
    renderer: await missions.terminal(title).text.renderer(),
    reason: await missions.terminal(title).text.element.getAttribute("data-renderer-reason"),
  })));
  // The budget settles: twelve tiles on WebGL, the other eight on DOM because of the budget.
  await expect.poll(async () => (await renderers()).filter((tile) => tile.renderer === "webgl").length).toBe(WEBGL_TERMINAL_BUDGET);
  const settled = await renderers();
  test.info().annotations.push({ type: "renderers", description: settled.map((tile) => `${tile.title}: ${tile.renderer}${tile.reason ? ` (${tile.reason})` : ""}`).join(", ") });
  expect(settled.filter((tile) => tile.renderer === "dom").map((tile) => tile.reason)).toEqual(Array(20 - WEBGL_TERMINAL_BUDGET).fill("budget"));
  expect(warnings, "no terminal's context was pushed out by the browser's limit").toEqual([]);

  // Typing into a DOM tile takes a WebGL slot for it (focused first); the page stays within budget.
  const domTile = missions.terminal(settled.find((tile) => tile.renderer === "dom")!.title);
  await domTile.type("echo focused-$((6*7))\n");
  await domTile.expectText("focused-42");
  await expect(domTile.text.element).toHaveAttribute("data-renderer", "webgl");
  expect((await renderers()).filter((tile) => tile.renderer === "webgl")).toHaveLength(WEBGL_TERMINAL_BUDGET);
  expect(warnings).toEqual([]);

  // Something else in the page takes contexts past the browser's limit: the oldest terminals' are
  // lost; they fall back to DOM with their screens, and no terminal makes a new one to replace it.
  const extra = CHROMIUM_WEBGL_CONTEXTS - WEBGL_TERMINAL_BUDGET + 1;
  await page.evaluate((count) => {
    const keep: unknown[] = [];
    for (let i = 0; i < count; i++) keep.push(document.createElement("canvas").getContext("webgl2"));
    (window as unknown as { heldContexts: unknown[] }).heldContexts = keep;
  }, extra);
  await expect.poll(async () => (await renderers()).filter((tile) => tile.reason === "context-lost").length).toBeGreaterThan(0);
  const afterLoss = await renderers();
  const lost = afterLoss.filter((tile) => tile.reason === "context-lost");
  test.info().annotations.push({ type: "lost to the limit", description: lost.map((tile) => tile.title).join(", ") });
  for (const tile of lost) expect(tile.renderer).toBe("dom");
  for (const [i, title] of titles.entries()) await missions.terminal(title).expectText(`marker-${i + 1}-${1000 + i + 1}`);
  const fallen = missions.terminal(lost[0]!.title);
  await fallen.type("echo after-loss-$((2+3))\n");
  await fallen.expectText("after-loss-5");
  await expect(fallen.text.element).toHaveAttribute("data-renderer", "dom");
});
