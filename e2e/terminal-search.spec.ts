import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { TerminalScreen } from "./pages/terminal-screen";
import { TerminalSearchBar } from "./pages/terminal-search-bar";

/**
 * Ctrl+F in a terminal finds lines that scrolled out of view: the marker lines are printed first,
 * then enough lines to push them into the scrollback, so they can only be seen by searching. The
 * typed commands never contain a marker itself (printf assembles it), so only output matches.
 */
const PRINT_MARKERS = "printf 'mark%s\\n' -a -b -c; seq 1 200; echo end-$((2*3))";

test("Ctrl+F in a task terminal finds, highlights and steps through scrolled-out lines; the replay too", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Search a terminal" });
  const taskPage = new TaskPage(page, app);
  await taskPage.gotoId(taskId);
  const terminal = new TerminalPanel(page);
  await terminal.start("");
  await terminal.type(`${PRINT_MARKERS}\n`);
  await terminal.expectText("end-6");
  await terminal.expectNoText("mark-");

  const search = new TerminalSearchBar(page, terminal.region);
  await expect(search.bar).toBeHidden();
  await search.open();
  await search.search("mark-");
  // The most recent match first, scrolled into view and highlighted (the addon's decorations).
  await expect(search.count).toHaveText("3 of 3");
  await terminal.expectText("mark-c");
  await expect(terminal.screen.locator(".xterm-find-result-decoration").first()).toBeVisible();

  await page.keyboard.press("Shift+Enter");
  await expect(search.count).toHaveText("2 of 3");
  await page.keyboard.press("Shift+Enter");
  await expect(search.count).toHaveText("1 of 3");
  await terminal.expectText("mark-a");
  await page.keyboard.press("Enter");
  await expect(search.count).toHaveText("2 of 3");
  await search.next.click();
  await expect(search.count).toHaveText("3 of 3");
  // Next wraps around to the first match.
  await search.next.click();
  await expect(search.count).toHaveText("1 of 3");
  await search.previous.click();
  await expect(search.count).toHaveText("3 of 3");

  // Case: found ignoring case, not when it must match.
  await search.search("MARK-B");
  await expect(search.count).toHaveText("1 of 1");
  await terminal.expectText("mark-b");
  await search.matchCase.click();
  await expect(search.matchCase).toHaveAttribute("aria-pressed", "true");
  await expect(search.count).toHaveText("No matches");
  await search.matchCase.click();
  await expect(search.count).toHaveText("1 of 1");

  // Regex: a class matches two markers; a broken expression is reported, not thrown.
  await search.regex.click();
  await search.search("mark-[ab]");
  await expect(search.count).toHaveText("2 of 2");
  await search.search("mark-(");
  await expect(search.error).toContainText("Invalid regular expression");
  await expect(search.field).toHaveAttribute("aria-invalid", "true");
  await expect(search.count).toHaveText("");
  await expect(terminal.screen.locator(".xterm-find-result-decoration")).toHaveCount(0);
  await search.search("end-\\d");
  await expect(search.error).toBeHidden();
  await expect(search.count).toHaveText("1 of 1");
  await search.regex.click();

  // Ctrl+F again, while the bar is open, returns to its field with the query selected.
  await search.search("mark-a");
  await expect(search.count).toHaveText("1 of 1");
  await terminal.screen.locator(".xterm-helper-textarea").focus();
  await page.keyboard.press("Control+f");
  await expect(search.field).toBeFocused();
  expect(await search.field.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, "mark-a".length]);

  // Esc closes the bar, removes the highlights and gives the keyboard back to the terminal.
  await page.keyboard.press("Escape");
  await expect(search.bar).toBeHidden();
  await expect(terminal.screen.locator(".xterm-find-result-decoration")).toHaveCount(0);
  await expect(terminal.screen.locator(".xterm-helper-textarea")).toBeFocused();

  // The search key never reaches the program; Ctrl+Shift+F sends a literal Ctrl+F (cat -v shows it as ^F).
  await terminal.type("cat -v\n");
  await page.keyboard.press("Control+f");
  await expect(search.bar).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(search.bar).toBeHidden();
  await page.keyboard.type("plain");
  await page.keyboard.press("Control+Shift+F");
  await page.keyboard.type("literal");
  await page.keyboard.press("Enter");
  await terminal.expectText("plain^Fliteral");
  await terminal.expectNoText("^Fplain");
  await expect(search.bar).toBeHidden();
  await page.keyboard.press("Control+c");

  // A replayed recording searches the same way; Esc closes the bar, not the dialog.
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();
  await taskPage.runs.getByTestId("run-row").first().getByRole("button", { name: "View output" }).click();
  const dialog = page.getByRole("dialog", { name: "Run output" });
  const replay = dialog.getByTestId("recording-screen");
  await expect(dialog.getByRole("status")).toContainText("Read-only replay");
  await new TerminalScreen(replay).expectNoText("mark-b");
  await replay.click();
  const replaySearch = new TerminalSearchBar(page, replay);
  await replaySearch.open();
  await replaySearch.search("mark-b");
  await expect(replaySearch.count).toHaveText("1 of 1");
  await new TerminalScreen(replay).expectText("mark-b");
  await page.keyboard.press("Escape");
  await expect(replaySearch.bar).toBeHidden();
  await expect(dialog).toBeVisible();
});

test("Ctrl+F in a Missions tile finds a scrolled-out line; Esc closes the bar, not the expanded tile", async ({ page, app, request }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Tile search", prompt: "printf 'tile%s\\n' -mark; seq 1 150; echo tile-end-$((3*3))" });
  await startTaskViaApi(request, app, taskId);
  const missions = new MissionsPage(page, app);
  await missions.goto();
  // The help lists the search key and how to send Ctrl+F itself.
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toContainText("Ctrl+F / ⌘F");
  await expect(help).toContainText("send Ctrl+F itself to the program");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
  const tile = missions.tile("Tile search");
  const terminal = missions.terminal("Tile search");
  await terminal.waitLive();
  await terminal.expectText("tile-end-9");
  await terminal.expectNoText("tile-mark");

  await terminal.screen.click();
  const search = new TerminalSearchBar(page, tile);
  await search.open();
  await search.search("tile-mark");
  await expect(search.count).toHaveText("1 of 1");
  await terminal.expectText("tile-mark");
  await expect(terminal.screen.locator(".xterm-find-result-decoration").first()).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(search.count).toHaveText("1 of 1");
  await search.search("no-such-line");
  await expect(search.count).toHaveText("No matches");
  await search.close.click();
  await expect(search.bar).toBeHidden();

  // Expanded: Esc in the bar closes the bar only; the tile stays expanded.
  await tile.getByRole("button", { name: "Expand" }).click();
  await expect(tile.getByRole("button", { name: "Collapse" })).toBeVisible();
  await terminal.screen.click();
  await search.open();
  // The last query is kept: reopening shows its result again.
  await expect(search.field).toHaveValue("no-such-line");
  await expect(search.count).toHaveText("No matches");
  await search.search("tile-mark");
  await expect(search.count).toHaveText("1 of 1");
  await page.keyboard.press("Escape");
  await expect(search.bar).toBeHidden();
  await expect(tile.getByRole("button", { name: "Collapse" })).toBeVisible();
});
