import type { Page } from "@playwright/test";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";

interface RecordedNotification {
  title: string;
  body: string;
  tag: string;
}

declare global {
  interface Window {
    __notifications: RecordedNotification[];
    __lastNotification: Notification | undefined;
  }
}

/**
 * Records every Notification the page constructs while still creating the real one (so the
 * browser's own checks — permission, options — still apply).
 */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    window.__notifications = [];
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? "", tag: options?.tag ?? "" });
        window.__lastNotification = this;
      }
    }
    Object.defineProperty(Recording, "permission", { get: () => Real.permission });
    Recording.requestPermission = Real.requestPermission.bind(Real);
    window.Notification = Recording as unknown as typeof Notification;
  });
}

function toast(page: Page, title: string) {
  return page.getByRole("region", { name: "Notifications" }).getByRole("article", { name: title, exact: true });
}

test("a task that turns needs input raises a toast and a browser notification that opens it", async ({ page, app, context, request }) => {
  await context.grantPermissions(["notifications"], { origin: app.baseURL });
  await recordNotifications(page);
  const taskId = await createTaskViaApi(request, app, { title: "Migrate the billing jobs", profile: "Claude Code" });

  // The person watches the board; the task changes on another page.
  const board = new BoardPage(page, app);
  await board.goto();
  await expect(page.getByRole("button", { name: "Browser notifications" })).toHaveAttribute("aria-pressed", "true");
  const other = await context.newPage();
  const otherTask = new TaskPage(other, app);
  await otherTask.gotoId(taskId);
  await otherTask.setStatus("Needs input");

  const shown = toast(page, "Migrate the billing jobs");
  await expect(shown).toContainText("Needs your input");
  await expect.poll(() => page.evaluate(() => window.__notifications)).toEqual([
    { title: "Migrate the billing jobs", body: "Needs your input", tag: `ai-manager:${taskId}` },
  ]);
  // The board follows too.
  await expect(board.column("Needs input").getByRole("link", { name: /Migrate the billing jobs/ })).toBeVisible();

  // Clicking the notification opens the task.
  await page.evaluate(() => window.__lastNotification?.onclick?.(new Event("click")));
  await page.waitForURL(`${app.baseURL}/tasks/${taskId}`);
  await expect(new TaskPage(page, app).heading).toHaveText("Migrate the billing jobs");

  // An edit that does not change the status is not news; a move to review is.
  await otherTask.edit({ description: "Use the new queue." });
  await otherTask.setStatus("Review");
  await expect.poll(() => page.evaluate(() => window.__notifications.map((n) => n.body))).toEqual(["Needs your input", "Ready for review"]);
  await expect(toast(page, "Migrate the billing jobs")).toContainText("Ready for review");

  // Muted in the nav: the toast still shows, the system notification does not.
  await page.getByRole("button", { name: "Browser notifications" }).click();
  await expect(page.getByRole("button", { name: "Browser notifications" })).toHaveAttribute("aria-pressed", "false");
  await otherTask.setStatus("Failed");
  await expect(toast(page, "Migrate the billing jobs")).toContainText("Failed");
  expect(await page.evaluate(() => window.__notifications.length)).toBe(2);
  await other.close();
});

test("a process exit raises one toast with the task and how it ended, with a link to open it", async ({ page, app, context, request }) => {
  await context.grantPermissions(["notifications"], { origin: app.baseURL });
  await recordNotifications(page);
  const taskId = await createTaskViaApi(request, app, { title: "Run the migrations", prompt: "echo migrating; exit 4" });
  await page.goto(`${app.baseURL}/settings`);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await startTaskViaApi(request, app, taskId);

  // The exit and the status it causes (failed) arrive together: one toast, one notification.
  const shown = toast(page, "Run the migrations");
  await expect(shown.getByText("Failed", { exact: true })).toBeVisible();
  await expect(shown).toContainText("Process exited with code 4");
  await expect.poll(() => page.evaluate(() => window.__notifications)).toEqual([
    { title: "Run the migrations", body: "Failed · process exited with code 4", tag: `ai-manager:${taskId}` },
  ]);
  await shown.getByRole("link", { name: "Open task" }).click();
  await page.waitForURL(`${app.baseURL}/tasks/${taskId}`);
  await expect(toast(page, "Run the migrations")).toBeHidden();
});

test("notifications are offered, not asked for, until the person enables them", async ({ page, app }) => {
  await page.goto(`${app.baseURL}/`);
  await expect(page.getByRole("button", { name: "Enable notifications" })).toBeVisible();
  expect(await page.evaluate(() => Notification.permission)).toBe("default");
});
