import fs from "node:fs";
import path from "node:path";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";

/** Types a line into a task's terminal and waits for a pattern, through the internal API as an agent does. */
async function runInTerminal(request: import("@playwright/test").APIRequestContext, baseURL: string, dataDir: string, taskId: string, line: string, until: string) {
  const headers = { authorization: `Bearer ${fs.readFileSync(path.join(dataDir, "internal-token"), "utf8").trim()}` };
  const input = await request.post(`${baseURL}/api/internal/terminal/${taskId}/input`, { headers, data: { input: line } });
  expect(input.status(), await input.text()).toBe(200);
  const wait = await request.get(`${baseURL}/api/internal/terminal/${taskId}/buffer`, {
    headers,
    params: { since: "0", waitFor: "pattern", pattern: until, flags: "m", timeoutMs: "30000" },
  });
  expect(((await wait.json()) as { data: { wait: { satisfied: boolean } } }).data.wait.satisfied).toBe(true);
}

test("Search finds a line in every task's output and links to its task", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Build the widget" });
  await createTaskViaApi(request, app, { title: "Never started" });
  await startTaskViaApi(request, app, taskId);
  // 300 lines before the marker: far above what the screen shows; the marker's line is wider than
  // the page (200 zeros before it). (WID''GET: the echoed command must not match.)
  await runInTerminal(request, app.baseURL, app.dataDir, taskId, "seq 1 300; printf '%0200d' 0; echo ' compiled WID''GET-42 ok'; echo DONE-$((1+1))", "^DONE-2$");

  await page.goto(`${app.baseURL}/`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
  await expect(page.getByRole("heading", { name: "Search", level: 1 })).toBeVisible();
  await page.getByRole("searchbox", { name: "Output contains" }).fill("widget-42");
  await page.getByRole("button", { name: "Search" }).click();

  await expect(page).toHaveURL(/\/search\?q=widget-42/);
  await expect(page.getByRole("status")).toHaveText("1 run with matches, 1 searched, newest first.");
  const run = page.getByTestId("search-run");
  await expect(run).toHaveCount(1);
  await expect(run).toContainText("1 matching line");
  const hit = run.locator("mark");
  await expect(hit).toHaveText("WIDGET-42");
  // The match's line, with a line of context either side ("300" above it).
  await expect(run.getByTestId("search-lines")).toContainText("compiled WIDGET-42 ok");
  await expect(run.getByTestId("search-lines")).toContainText("300");
  // The wide line scrolls inside its block; the page does not scroll sideways.
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  // Match case: no longer found.
  await page.getByRole("checkbox", { name: "Match case" }).check();
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("status")).toHaveText("No run's output matches (1 run searched).");

  // A regex that does not compile is explained, not crashed on.
  await page.goto(`${app.baseURL}/search?q=${encodeURIComponent("WIDGET-(")}&regex=1`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Not a valid regular expression");

  // Hostile or odd queries answer a page, never a 5xx.
  for (const query of ["q=%ff", `q=${"x".repeat(600)}`, "q=a&q=b&offset=-1", "regex=1&q=%5B", "q=x&offset=9999999", "q=%00&case=yes"]) {
    const response = await page.request.get(`${app.baseURL}/search?${query}`);
    expect(response.status(), query).toBeLessThan(500);
  }

  await page.goto(`${app.baseURL}/search?q=${encodeURIComponent("WIDGET-\\d+ ok$")}&regex=1`);
  await page.getByTestId("search-run").getByRole("link", { name: "Build the widget" }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks/${taskId}$`));
});
