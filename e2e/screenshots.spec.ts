import path from "node:path";
import { devices } from "@playwright/test";
import { createTaskViaApi, reportStatusViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test as base } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { MissionsPage } from "./pages/missions-page";
import { SettingsPage } from "./pages/settings-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/**
 * Where the pictures go: `npm run screenshots` (playwright.screenshots.config.ts, the only config
 * that runs this spec; `npm test` leaves it out) sets `readmeScreenshotDir` to docs/screenshots to
 * regenerate the README's pictures; without it they stay in this test's output folder (ignored).
 */
const test = base.extend<{ readmeScreenshotDir: string | undefined; shot: (name: string) => string }>({
  readmeScreenshotDir: [undefined, { option: true }],
  shot: async ({ readmeScreenshotDir }, use, testInfo) => {
    await use((name) => (readmeScreenshotDir ? path.resolve(readmeScreenshotDir, name) : testInfo.outputPath(name)));
  },
});

/** A board someone might really have: a few tasks across the statuses, across a few projects. */
const TASKS = [
  { title: "Add rate limiting to the public API", project: "api-gateway", status: "running", description: "Token bucket per API key; 429 with Retry-After." },
  { title: "Migrate the billing jobs to the new queue", project: "billing-service", status: "needs_input", description: "" },
  { title: "Fix flaky checkout e2e test", project: "web-shop", status: "review", description: "Fails about 1 run in 20 on CI." },
  { title: "Upgrade React to 19.2", project: "web-shop", status: "done", description: "" },
  { title: "Write the onboarding guide", project: "docs-site", status: "todo", description: "Installation, first task, MCP setup." },
  { title: "Profile the search indexer memory use", project: "search-indexer", status: "todo", description: "" },
  { title: "Split the monolith's auth module", project: "api-gateway", status: "failed", description: "" },
  { title: "Add dark mode to the admin panel", project: "admin-panel", status: "running", description: "" },
  { title: "Remove the deprecated v1 endpoints", project: "api-gateway", status: "done", description: "" },
] as const;

test.use({ viewport: { width: 1440, height: 900 } });

test("screenshots of the board and the settings for the README", async ({ page, app, request, shot }) => {
  // The board is set up through the internal API (the form and the status menu have their own
  // tests): the subject here is the picture.
  for (const task of TASKS) {
    const id = await createTaskViaApi(request, app, { title: task.title, description: task.description, project: task.project, profile: null });
    if (task.status !== "todo") await reportStatusViaApi(request, app, id, task.status);
  }
  const board = new BoardPage(page, app);
  await board.goto();
  await expect(board.column("Running").getByRole("link")).toHaveCount(2);
  await expect(board.column("Failed").getByRole("link")).toHaveCount(1);
  await page.screenshot({ path: shot("board.png") });

  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(settings.profile("Claude Code")).toBeVisible();
  await page.screenshot({ path: shot("settings.png"), fullPage: true });
});

test("screenshot of a task page with its live terminal", async ({ page, app, shot }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  await board.createTask({
    title: "Run the test suite and fix failures",
    description: "Keep going until the suite is green.",
    prompt: "printf '\\033[1;32m✓\\033[0m 128 passed  \\033[1;33m!\\033[0m 2 skipped  \\033[2m(4.2s)\\033[0m\\n'",
    cwd: projectDir(app, "api-gateway"),
    profile: "Shell",
  });
  await board.openTask("Run the test suite and fix failures");
  const terminal = new TerminalPanel(page);
  await terminal.start();
  await terminal.expectText("128 passed");
  await terminal.type("ls --color=always -l /usr\n");
  await terminal.expectText("share");
  await page.screenshot({ path: shot("task-terminal.png") });
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();
});

/** Agents at work, as shell stand-ins: a test run, a build, a log tail, a question, a review. */
const MISSIONS = [
  {
    title: "Add rate limiting to the public API",
    project: "api-gateway",
    prompt: "for i in $(seq 1 14); do printf '\\033[32m✓\\033[0m ratelimit.test.ts › bucket refills after %dms\\n' $((i*50)); sleep 0.05; done; printf '\\033[1;32m 14 passed\\033[0m (1.2s)\\n'",
    marker: "14 passed",
  },
  {
    title: "Migrate the billing jobs to the new queue",
    project: "billing-service",
    prompt: "printf 'Moved 12 of 14 jobs to queue \"billing-v2\".\\n\\n\\033[1;33m?\\033[0m The nightly invoice job writes to the legacy ledger.\\n  Keep it on the old queue until the ledger migrates? (y/n) '",
    marker: "legacy ledger",
    status: "needs_input",
  },
  {
    title: "Fix flaky checkout e2e test",
    project: "web-shop",
    prompt: "printf 'Running checkout.spec.ts 20 times…\\n'; for i in $(seq 1 20); do printf ' run %2d \\033[32mpassed\\033[0m\\n' $i; done; printf '\\033[1m20/20 green\\033[0m — ready for review\\n'",
    marker: "20/20 green",
    status: "review",
  },
  {
    title: "Profile the search indexer memory use",
    project: "search-indexer",
    prompt: "while :; do printf '\\033[2m%s\\033[0m heap=%dMB rss=%dMB docs=%d\\n' \"$(date +%T)\" $((180+RANDOM%40)) $((260+RANDOM%60)) $RANDOM; sleep 0.5; done",
    marker: "heap=",
  },
  {
    title: "Upgrade the build to Node 22",
    project: "admin-panel",
    prompt: "ls --color=always -l /usr | head -12",
    marker: "share",
  },
  {
    title: "Write the onboarding guide",
    project: "docs-site",
    prompt: "printf '\\033[1m# Onboarding\\033[0m\\n\\n1. Install\\n2. Create your first task\\n3. Connect the MCP server\\n\\nDraft saved to docs/onboarding.md\\n'",
    marker: "Draft saved",
  },
] as const;

test("screenshots of Missions with live terminals, dark and light", async ({ page, app, request, shot }) => {
  const ids: string[] = [];
  for (const mission of MISSIONS) {
    const id = await createTaskViaApi(request, app, { title: mission.title, prompt: mission.prompt, project: mission.project });
    await startTaskViaApi(request, app, id);
    if ("status" in mission) await reportStatusViaApi(request, app, id, mission.status);
    ids.push(id);
  }
  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(MISSIONS.length);
  for (const mission of MISSIONS) await missions.terminal(mission.title).expectText(mission.marker);
  await expect(missions.tile("Migrate the billing jobs to the new queue").getByText("Needs input", { exact: true })).toBeVisible();
  // Toasts about the statuses set above are not part of the picture.
  await page.getByRole("region", { name: "Notifications" }).getByRole("button", { name: "Dismiss" }).evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
  await expect(page.getByRole("region", { name: "Notifications" }).getByRole("article")).toHaveCount(0);
  await page.screenshot({ path: shot("missions.png") });

  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.screenshot({ path: shot("missions-light.png") });

  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(ids[0]!);
  await new TerminalPanel(page).expectText("14 passed");
  await page.screenshot({ path: shot("task-terminal-light.png") });
});

test.describe("on a phone", () => {
  const { defaultBrowserType: _browser, ...iphone } = devices["iPhone 13"];
  test.use(iphone);

  test("screenshot of the Inbox on a phone", async ({ page, app, request, shot }) => {
    const asking = await createTaskViaApi(request, app, {
      title: "Migrate the billing jobs to the new queue",
      project: "billing-service",
      prompt: "printf 'Found 3 jobs still on the old queue:\\n  invoices-nightly\\n  dunning-retry\\n  tax-export\\nMove all three now? [y/N] '; read answer",
    });
    await startTaskViaApi(request, app, asking);
    await reportStatusViaApi(request, app, asking, "needs_input", "Move the three remaining jobs now?");
    const reviewing = await createTaskViaApi(request, app, { title: "Fix flaky checkout e2e test", project: "web-shop" });
    await reportStatusViaApi(request, app, reviewing, "review", "Fixed the race in the cart fixture; 50 runs green.");
    await page.goto(`${app.baseURL}/inbox`);
    await expect(page.getByRole("article", { name: "Migrate the billing jobs to the new queue" }).getByLabel("Last lines")).toContainText("[y/N]");
    await page.getByRole("region", { name: "Notifications" }).getByRole("button", { name: "Dismiss" }).evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
    await expect(page.getByRole("region", { name: "Notifications" }).getByRole("article")).toHaveCount(0);
    await page.screenshot({ path: shot("phone-inbox.png") });
  });
});
