import fs from "node:fs";
import path from "node:path";
import { devices, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { createTaskViaApi, reportStatusViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test, type App } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { InboxPage } from "./pages/inbox-page";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/**
 * AI Manager on a phone: Chromium emulating an iPhone 13 (390 px) and a Pixel 7 (412 px) — their
 * viewport, pixel ratio, user agent, touch and coarse pointer. The browser stays the project's
 * Chromium (the iPhone descriptor's own default is WebKit, which this machine does not have).
 */
function phone(name: "iPhone 13" | "Pixel 7") {
  const { defaultBrowserType: _browser, ...descriptor } = devices[name];
  return descriptor;
}

/** The smallest phone width the layout is built for (many Android phones). */
const NARROWEST = { width: 360, height: 740 };
/** WCAG 2.5.5 and the platforms' guidance for something a finger taps. */
const TOUCH_TARGET_PX = 44;

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  // Against the page's own width, not innerWidth: a phone widens its layout viewport (and
  // innerWidth) to whatever overflows, so innerWidth never shows the overflow.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

async function expectTouchTarget(target: Locator): Promise<void> {
  await expect(target).toBeVisible();
  const box = await target.boundingBox();
  expect(box, "the target is laid out").not.toBeNull();
  expect(box!.height, "its height").toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
  expect(box!.width, "its width").toBeGreaterThanOrEqual(TOUCH_TARGET_PX);
}

async function box(target: Locator) {
  const found = await target.boundingBox();
  if (!found) throw new Error("not laid out");
  return found;
}

/** A shell task whose program shows every byte it receives (`cat -vT`: ESC as ^[, Tab as ^I, Enter as ^M). */
function byteEcho(setup = ""): string {
  // The marker is computed, so the echoed command line itself never matches it.
  return `${setup}stty raw -echo; printf '%s\\n' "ready-$((6*7))"; cat -vT`;
}

/** The task's output so far, through the internal API (as an agent reads it). */
async function outputOf(request: APIRequestContext, app: App, taskId: string): Promise<string> {
  const token = fs.readFileSync(path.join(app.dataDir, "internal-token"), "utf8").trim();
  const response = await request.get(`${app.baseURL}/api/internal/terminal/${taskId}/buffer?mode=full`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { data: { output: string } }).data.output;
}

for (const name of ["iPhone 13", "Pixel 7"] as const) {
  test.describe(name, () => {
    test.use(phone(name));

    test("board, Missions and a task page fit the phone: one column, no sideways scroll, finger-sized targets", async ({ page, app, request }) => {
      const waiting = await createTaskViaApi(request, app, { title: "Answer the schema question" });
      const first = await createTaskViaApi(request, app, { title: "Tail the build log", prompt: "echo first-$((1+1))" });
      const second = await createTaskViaApi(request, app, { title: "Watch the deploy", prompt: "echo second-$((2+2))" });
      await reportStatusViaApi(request, app, waiting, "needs_input", "Which schema should I use?");
      await startTaskViaApi(request, app, first);
      await startTaskViaApi(request, app, second);

      // The board: the header on one row with the Inbox first, the way to the Inbox, columns stacked.
      const board = new BoardPage(page, app);
      await board.goto();
      const nav = page.getByRole("navigation", { name: "Main" });
      const inboxLink = nav.getByRole("link", { name: /^Inbox/ });
      await expect(inboxLink).toContainText("1");
      expect((await box(inboxLink)).x).toBeLessThan((await box(nav.getByRole("link", { name: "Board" }))).x);
      for (const label of ["Inbox", "Board", "Missions", "Settings"]) await expectTouchTarget(nav.getByRole("link", { name: new RegExp(`^${label}`) }));
      await expectTouchTarget(page.getByRole("button", { name: "Switch to light theme" }).or(page.getByRole("button", { name: "Switch to dark theme" })));
      await expectTouchTarget(page.getByRole("button", { name: "Enable notifications" }));
      const header = page.locator(".app-header");
      expect((await box(header)).height).toBeLessThanOrEqual(60);
      await expectTouchTarget(board.newTaskButton);
      await expect(page.getByRole("link", { name: /1 task waits for you/ })).toBeVisible();
      const todo = await box(board.column("To do"));
      const needsInput = await box(board.column("Needs input"));
      expect(needsInput.x).toBe(todo.x);
      expect(needsInput.y).toBeGreaterThan(todo.y);
      await expectTouchTarget(board.card("Answer the schema question"));
      await expectNoSidewaysScroll(page);

      // Missions: the filter chips stay in one row that scrolls by itself; tiles are stacked.
      const missions = new MissionsPage(page, app);
      await missions.goto();
      await expect(missions.tiles).toHaveCount(2);
      const chips = page.getByRole("group", { name: "Show" });
      const chipsBox = await box(chips);
      expect(chipsBox.x).toBeGreaterThanOrEqual(0);
      expect(chipsBox.x + chipsBox.width).toBeLessThanOrEqual(page.viewportSize()!.width);
      const running = missions.filter("Running");
      await expectTouchTarget(running);
      // One row: every chip on the first chip's line.
      const chipTops = await chips.getByRole("button").evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().top)));
      expect(new Set(chipTops).size).toBe(1);
      const [tileA, tileB] = [await box(missions.tiles.nth(0)), await box(missions.tiles.nth(1))];
      expect(tileB.x).toBe(tileA.x);
      expect(tileB.y).toBeGreaterThan(tileA.y + tileA.height - 1);
      await expectNoSidewaysScroll(page);

      // A task page: the terminal and its controls within the screen.
      const taskPage = new TaskPage(page, app);
      await taskPage.gotoId(first);
      const terminal = new TerminalPanel(page);
      await terminal.waitLive();
      await terminal.expectText("first-2");
      await expectTouchTarget(terminal.stopButton);
      await expectTouchTarget(taskPage.editButton);
      await expectTouchTarget(page.getByRole("link", { name: "Board", exact: true }).last());
      const screen = await box(terminal.screen);
      expect(screen.x + screen.width).toBeLessThanOrEqual(page.viewportSize()!.width);
      await expectNoSidewaysScroll(page);

      // And the narrowest phones the layout is built for: every destination still on the one row.
      await page.setViewportSize(NARROWEST);
      for (const path of ["/", "/missions", `/tasks/${first}`, "/inbox", "/settings"]) {
        await page.goto(`${app.baseURL}${path}`);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectNoSidewaysScroll(page);
      }
      for (const control of [...(await nav.getByRole("link").all()), page.getByRole("button", { name: "Enable notifications" })]) {
        const { x, y, width } = await box(control);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x + width).toBeLessThanOrEqual(NARROWEST.width);
        expect(y).toBeLessThan(60);
      }

      // Words longer than the screen (an identifier as a title, what the agent says) wrap: on the
      // task page, and in its Delete dialog, which does not scroll sideways either.
      const longWord = "Refactor_AuthenticationMiddlewareFactoryProviderImplementation";
      const wordy = await createTaskViaApi(request, app, { title: longWord });
      await reportStatusViaApi(request, app, wordy, "needs_input", `Use ${longWord}_SessionTokenValidatorService?`);
      await page.goto(`${app.baseURL}/tasks/${wordy}`);
      await expect(page.getByRole("complementary", { name: "Properties" })).toContainText("SessionTokenValidatorService");
      await expectNoSidewaysScroll(page);
      await new TaskPage(page, app).deleteButton.click();
      const confirm = page.getByRole("dialog", { name: "Delete this task?" });
      await expect(confirm).toContainText(longWord);
      await expect.poll(() => confirm.evaluate((dialog) => dialog.scrollWidth - dialog.clientWidth)).toBeLessThanOrEqual(0);
      await confirm.getByRole("button", { name: "Cancel" }).click();
    });
  });
}

test.describe("key bar", () => {
  test.use(phone("iPhone 13"));

  test("the key bar under a focused terminal sends exactly a keyboard's bytes, without taking the focus", async ({ page, app, request, context }) => {
    const taskId = await createTaskViaApi(request, app, { title: "Byte echo", prompt: byteEcho() });
    await startTaskViaApi(request, app, taskId);
    await new TaskPage(page, app).gotoId(taskId);
    const terminal = new TerminalPanel(page);
    await terminal.waitLive();
    await terminal.expectText("ready-42");

    const keys = page.getByRole("toolbar", { name: "Terminal keys" });
    await expect(keys).toBeHidden();
    await terminal.screen.tap();
    await expect(keys).toBeVisible();
    const focused = () => page.evaluate(() => document.activeElement?.classList.contains("xterm-helper-textarea") ?? false);
    expect(await focused()).toBe(true);

    for (const key of ["Esc", "Tab", "Ctrl-C", "Ctrl-D", "Up", "Down", "Right", "Left", "Enter"]) {
      const button = keys.getByRole("button", { name: key, exact: true });
      await expectTouchTarget(button);
      await button.tap();
    }
    await terminal.expectText("^[^I^C^D^[[A^[[B^[[C^[[D^M");
    // The terminal kept the keyboard (on a phone, losing it closes the on-screen keyboard).
    expect(await focused()).toBe(true);

    // A program in application cursor mode (vi, less) gets the arrows a keyboard sends there; with
    // bracketed paste on, Paste wraps the clipboard in the paste markers.
    const appMode = await createTaskViaApi(request, app, { title: "Application keys", prompt: byteEcho("printf '\\033[?1h\\033[?2004h'; ") });
    await startTaskViaApi(request, app, appMode);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.baseURL });
    await new TaskPage(page, app).gotoId(appMode);
    await terminal.waitLive();
    await terminal.expectText("ready-42");
    await page.evaluate(() => navigator.clipboard.writeText("git status"));
    // Pinned with the Keys toggle, the bar shows without focusing the terminal (no phone keyboard).
    await page.getByRole("button", { name: "Keys", exact: true }).tap();
    await expect(keys).toBeVisible();
    await keys.getByRole("button", { name: "Up", exact: true }).tap();
    await keys.getByRole("button", { name: "Left", exact: true }).tap();
    await keys.getByRole("button", { name: "Paste", exact: true }).tap();
    await terminal.expectText("^[OA^[OD^[[200~git status^[[201~");
  });
});

test.describe("inbox", () => {
  test.use(phone("Pixel 7"));

  test("the inbox lists what waits, with its last lines, and a quick reply arrives as a paste", async ({ page, app, request }) => {
    const asking = await createTaskViaApi(request, app, { title: "Pick the migration", prompt: byteEcho("printf '\\033[?2004h'; ") });
    const reviewing = await createTaskViaApi(request, app, { title: "Review the docs change" });
    await createTaskViaApi(request, app, { title: "Not waiting" });
    await startTaskViaApi(request, app, asking);
    await reportStatusViaApi(request, app, asking, "needs_input", "Apply migration 0042?");
    await reportStatusViaApi(request, app, reviewing, "review");

    // The board offers the Inbox; the Inbox lists the two waiting tasks, needs-input first.
    const board = new BoardPage(page, app);
    await board.goto();
    await page.getByRole("link", { name: /2 tasks wait for you/ }).tap();
    const inbox = new InboxPage(page, app);
    await expect(inbox.heading).toBeVisible();
    await expect(inbox.list.getByRole("article")).toHaveCount(2);
    await expect(inbox.list.getByRole("article").first()).toHaveAccessibleName("Pick the migration");
    await expect(inbox.card("Pick the migration")).toContainText("Apply migration 0042?");
    await expect(inbox.lastLines("Pick the migration")).toContainText("ready-42");
    await expect(inbox.card("Review the docs change")).toContainText("not running");
    await expect(inbox.card("Not waiting")).toHaveCount(0);
    await expectNoSidewaysScroll(page);

    // "Yes": pasted (bracketed), then Enter.
    const card = inbox.card("Pick the migration");
    await expectTouchTarget(card.getByRole("button", { name: "Yes", exact: true }));
    await card.getByRole("button", { name: "Yes", exact: true }).tap();
    await expect(card.getByRole("status")).toHaveText("Sent “yes”");

    // Free text, the same way; an empty reply cannot be sent.
    const send = card.getByRole("button", { name: "Send", exact: true });
    await expect(send).toBeDisabled();
    await inbox.replyField("Pick the migration").fill("use the staging database");
    await send.tap();
    await expect(card.getByRole("status")).toHaveText("Sent “use the staging database”");
    await expect(inbox.replyField("Pick the migration")).toHaveValue("");
    // What the program received, read from the task's output log (not a screen: no viewer sizes it here).
    await expect.poll(() => outputOf(request, app, asking)).toContain("^[[200~yes^[[201~^M^[[200~use the staging database^[[201~^M");

    // Once the agent moves on, the task leaves the Inbox, live, and the nav's count follows.
    await inbox.goto();
    const navInbox = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Inbox/ });
    await expect(navInbox).toHaveAccessibleName(/2 waiting/);
    await reportStatusViaApi(request, app, asking, "running");
    await expect(inbox.card("Pick the migration")).toHaveCount(0);
    await expect(navInbox).toHaveAccessibleName(/1 waiting/);
  });
});

test.describe("notifications on Android", () => {
  test.use(phone("Pixel 7"));

  test("where a page may not construct notifications, they are shown through a service worker that caches nothing", async ({ page, app, context, request }) => {
    await context.grantPermissions(["notifications"], { origin: app.baseURL });
    // As Chrome on Android: the page's constructor throws; only a service worker may show one.
    await page.addInitScript(() => {
      const Real = window.Notification;
      const PageRefused = function () {
        throw new TypeError("Failed to construct 'Notification': Illegal constructor. Use ServiceWorkerRegistration.showNotification() instead.");
      } as unknown as typeof Notification;
      Object.defineProperty(PageRefused, "permission", { get: () => Real.permission });
      PageRefused.requestPermission = Real.requestPermission.bind(Real);
      window.Notification = PageRefused;
      // What reaches the worker's registration (the real call still runs).
      const shown: unknown[] = [];
      Object.assign(window, { __workerNotifications: shown });
      const real = ServiceWorkerRegistration.prototype.showNotification;
      ServiceWorkerRegistration.prototype.showNotification = function (title: string, options?: NotificationOptions) {
        shown.push([title, options?.body, options?.tag, (options?.data as { url: string } | undefined)?.url, this.active?.scriptURL]);
        return real.call(this, title, options);
      };
    });
    const taskId = await createTaskViaApi(request, app, { title: "Ship the release notes" });
    const inbox = new InboxPage(page, app);
    // The change must come after the page listens to the live events (their socket's first message).
    const listening = new Promise<void>((resolve) => {
      page.on("websocket", (socket) => {
        if (socket.url().includes("/ws/events")) socket.once("framereceived", () => resolve());
      });
    });
    await inbox.goto();
    await expect(inbox.empty).toBeVisible();
    await listening;
    await reportStatusViaApi(request, app, taskId, "needs_input", "Which version?");

    await expect(page.getByRole("region", { name: "Notifications" }).getByRole("article", { name: "Ship the release notes" })).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __workerNotifications: unknown[] }).__workerNotifications))
      .toEqual([["Ship the release notes", "Needs your input: Which version?", `ai-manager:${taskId}`, `/tasks/${taskId}`, `${app.baseURL}/notifications-sw.js`]]);
    // The Inbox follows live too.
    await expect(inbox.card("Ship the release notes")).toBeVisible();
    // The worker only notifies: no fetch handler, so pages are never answered from a cache.
    const script = await (await page.request.get(`${app.baseURL}/notifications-sw.js`)).text();
    expect(script).not.toMatch(/addEventListener\(\s*["']fetch["']/);
    expect(script).not.toMatch(/caches\./);
  });
});

test("the app installs: a manifest and icons, served without signing in, linked from every page", async ({ page, app, playwright }) => {
  const anonymous = await playwright.request.newContext({ extraHTTPHeaders: { connection: "close" } });
  try {
    const manifestResponse = await anonymous.get(`${app.baseURL}/manifest.webmanifest`);
    expect(manifestResponse.status()).toBe(200);
    const manifest = (await manifestResponse.json()) as { name: string; short_name: string; start_url: string; display: string; icons: { src: string; sizes: string; purpose: string }[] };
    expect(manifest).toMatchObject({ name: "AI Manager", short_name: "AI Manager", start_url: "/inbox", display: "standalone" });
    expect(manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`)).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
    for (const src of [...manifest.icons.map((icon) => icon.src), "/apple-touch-icon.png", "/icon.svg"]) {
      const icon = await anonymous.get(`${app.baseURL}${src}`);
      expect(icon.status(), src).toBe(200);
      expect(icon.headers()["content-type"], src).toMatch(/^image\//);
      // Cacheable, so a page's live refreshes (which re-render its <head>) do not ask for it again.
      expect(icon.headers()["cache-control"], src).toBe("public, max-age=86400");
    }
    // Everything else still asks for the sign-in.
    expect((await anonymous.get(`${app.baseURL}/inbox`, { maxRedirects: 0 })).status()).not.toBe(200);
  } finally {
    await anonymous.dispose();
  }

  await page.goto(`${app.baseURL}/inbox`);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", "/apple-touch-icon.png");
  await expect(page.locator('meta[name="mobile-web-app-capable"], meta[name="apple-mobile-web-app-capable"]').first()).toHaveAttribute("content", "yes");
});
