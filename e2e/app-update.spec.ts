import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page, WebSocket } from "@playwright/test";
import { startAppProcess, type AppProcess } from "./fixtures/app-process";
import { createTaskViaApi } from "./fixtures/internal-api";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/**
 * People update AI Manager under open tabs: a new checkout (or a pull and a rebuild), restarted on
 * the same data dir and port. Every build gives the server actions new ids, and Next reloads a page
 * of another build when it refreshes it — which threw away whatever was typed into the page.
 */

const ROOT = process.cwd();
const UPDATED_TEXT = "AI Manager was updated while this page was open.";

/** Not part of a checkout's code: dependencies, build, git metadata, test output, the default data dir. */
const CHECKOUT_SKIPS = new Set(["node_modules", ".next", ".git", "test-results", "test-reports", "bench", "data"]);

/**
 * A second checkout of this app whose build has another id, as after an update: its files are
 * hard links of this one's (node_modules a link), its .next/BUILD_ID a file of its own.
 */
function updatedCheckout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-manager-e2e-update-"));
  const entries = fs.readdirSync(ROOT).filter((entry) => !CHECKOUT_SKIPS.has(entry) && !entry.startsWith("."));
  execFileSync("cp", ["-al", ...entries.map((entry) => path.join(ROOT, entry)), root]);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  // The build without its cache: nothing of the original may be written through a shared link.
  fs.mkdirSync(path.join(root, ".next"));
  const build = fs.readdirSync(path.join(ROOT, ".next")).filter((entry) => entry !== "cache" && entry !== "BUILD_ID");
  execFileSync("cp", ["-al", ...build.map((entry) => path.join(ROOT, ".next", entry)), path.join(root, ".next")]);
  fs.writeFileSync(path.join(root, ".next", "BUILD_ID"), `updated-${path.basename(root)}`);
  return root;
}

/** What the browser logs about requests that meet a stopped server: prefetches and streams cut off, the live channel refused. */
const SERVER_DOWN_ERRORS = [/^Failed to load resource: net::ERR_/, /^WebSocket connection to '.*' failed/];

interface GuardedPage {
  page: Page;
  problems: string[];
  /** Runs `outage` (the server stopped and another started) with its own request failures expected. */
  whileServerDown<T>(outage: () => Promise<T>): Promise<T>;
}

/**
 * A page of its own, with its own error check: the shared page's console guard would count what
 * these tests cause on purpose (requests cut off while the server is down, the server's 404 to an
 * action it does not have). Every page error and any other console error fails.
 */
async function guardedPage(context: BrowserContext, expected: RegExp[] = []): Promise<GuardedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  let serverDown = false;
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const allowed = [...expected, ...(serverDown ? SERVER_DOWN_ERRORS : [])];
    if (!allowed.some((pattern) => pattern.test(text))) problems.push(`console error: ${text}`);
  });
  return {
    page,
    problems,
    async whileServerDown(outage) {
      serverDown = true;
      try {
        return await outage();
      } finally {
        serverDown = false;
      }
    },
  };
}

/** Resolves once the page's live channel (/ws/events) has had its server's hello. */
function eventsHello(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on("websocket", (socket: WebSocket) => {
      if (!socket.url().endsWith("/ws/events")) return;
      socket.on("framereceived", (frame) => {
        if (typeof frame.payload === "string" && frame.payload.includes('"hello"')) resolve();
      });
    });
  });
}

test("a page open while AI Manager is updated keeps what was typed and offers a reload", async ({ app, context }) => {
  const { page, problems, whileServerDown } = await guardedPage(context);
  const port = new URL(app.baseURL).port;
  const checkout = updatedCheckout();
  let updated: AppProcess | undefined;
  try {
    const connected = eventsHello(page);
    const board = new BoardPage(page, app);
    await board.goto();
    await connected;
    const dialog = await board.openNewTask();
    await dialog.getByLabel("Title").fill("Typed before the update");

    const banner = page.getByRole("alert").filter({ hasText: UPDATED_TEXT });
    await whileServerDown(async () => {
      await app.stop();
      updated = await startAppProcess(app.dataDir, { env: { PORT: port } }, checkout);
      // The page is back in touch with a server once the banner shows; what failed before was the outage.
      await expect(banner).toBeVisible();
    });
    // Nothing reloaded under the person: the dialog and what they typed are still there.
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Title")).toHaveValue("Typed before the update");

    // The dialog keeps the banner behind it out of reach, so it says so itself, with its own Reload.
    const notice = dialog.getByRole("alert").filter({ hasText: "AI Manager was updated: this form can no longer be sent." });
    await expect(notice).toBeVisible();
    await expect(banner.getByRole("button", { name: "Reload" })).toBeVisible();
    await notice.getByRole("button", { name: "Reload" }).click();
    await expect(board.heading).toBeVisible();
    await expect(board.newTaskDialog).toBeHidden();
    await expect(page.getByRole("alert").filter({ hasText: UPDATED_TEXT })).toHaveCount(0);
    // The reloaded page is the new build's: its actions work again.
    await board.createTask({ title: "Made after the update", cwd: projectDir(app, "workspace") });
    expect(problems, "the browser reported errors").toEqual([]);
  } finally {
    await page.close();
    await updated?.stop();
    fs.rmSync(checkout, { recursive: true, force: true });
  }
});

/** Sends the page's server action calls with an id the server does not have, as a page of an older build does. */
async function callActionsOfAnOlderBuild(page: Page): Promise<void> {
  await page.route("**/*", (route) => {
    const headers = route.request().headers();
    if (route.request().method() !== "POST" || !headers["next-action"]) return route.fallback();
    return route.continue({ headers: { ...headers, "next-action": `40${"0".repeat(40)}` } });
  });
}

test("an action from a page of an older build says to reload, and loses nothing typed", async ({ app, context, request }) => {
  const { page, problems } = await guardedPage(context, [/Failed to load resource: the server responded with a status of 404/]);
  const taskId = await createTaskViaApi(request, app, { title: "Runs later", profile: "Shell" });
  const board = new BoardPage(page, app);
  await board.goto();
  await callActionsOfAnOlderBuild(page);

  const dialog = await board.submitNewTask({ title: "Not lost", description: "typed with care", cwd: projectDir(app, "workspace") });
  await expect(dialog.getByRole("alert")).toContainText("AI Manager was updated since this page was opened");
  await expect(dialog.getByLabel("Title")).toHaveValue("Not lost");
  await expect(dialog.getByLabel("Description")).toHaveValue("typed with care");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The task page's Start: a message beside the terminal, not an error screen.
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.startButton.click();
  await expect(page.getByRole("alert").filter({ hasText: "AI Manager was updated since this page was opened" })).toBeVisible();
  await expect(terminal.startButton).toBeVisible();
  expect(problems, "the browser reported errors").toEqual([]);
  await page.close();
});
