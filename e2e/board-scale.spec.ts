import type { Route } from "@playwright/test";
import { BOARD_COLUMN_CAP, BOARD_COLUMN_PAGE } from "../src/lib/board";
import { createTaskViaApi, reportStatusViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";

/** A pasted prompt of several kilobytes with one rare word in its middle, far past any card's preview. */
function pastedPrompt(rareWord: string): string {
  const line = "    Go through the module, refactor the handlers and keep the tests green.\n";
  return `${line.repeat(30)}    The ${rareWord} job must keep working.\n${line.repeat(30)}`;
}

test("a long Done column shows its most recent tasks, its true count, more a page at a time, and the filter finds any task by its notes", async ({ page, app, request }) => {
  const board = new BoardPage(page, app);
  const taskPage = new TaskPage(page, app);
  // One page beyond the first cards, and a few more.
  const doneTotal = BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE + 5;

  // The oldest done task, so the capped column does not show it; its word is only in the middle of its notes.
  const buried = await createTaskViaApi(request, app, { title: "Migrate the billing exports", description: pastedPrompt("flamingo-sidecar") });
  await reportStatusViaApi(request, app, buried, "done");
  for (let i = 1; i < doneTotal; i++) {
    const id = await createTaskViaApi(request, app, { title: `Finished chore #${i}.`, description: pastedPrompt("ordinary") });
    await reportStatusViaApi(request, app, id, "done");
  }
  await createTaskViaApi(request, app, { title: "Plan the next sprint" });

  // Links are not prefetched: every live refresh dropped the prefetches and fetched a page per
  // visible link again (a task is opened with one request either way). Checked at the end.
  const prefetched: string[] = [];
  page.on("request", (sent) => {
    if (sent.headers()["next-router-prefetch"]) prefetched.push(sent.url());
  });
  await board.goto();
  await expect(board.column("Done")).toContainText(`${doneTotal} tasks`);
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP);
  await expect(board.showMore("Done")).toHaveText(`Show ${BOARD_COLUMN_PAGE} more Done tasks`);
  await expect(board.card("Migrate the billing exports")).toHaveCount(0);
  await expect(board.column("To do").getByRole("link", { name: "Plan the next sprint" })).toBeVisible();
  // A card shows the start of its notes, not all of them.
  const latest = board.card(`Finished chore #${doneTotal - 1}.`);
  await expect(latest).toContainText("Go through the module");
  await expect(latest).not.toContainText("ordinary");

  await board.typeFilter("flamingo-sidecar");
  await expect(board.cards("Done")).toHaveCount(1);
  await expect(board.column("Done").getByRole("link", { name: "Migrate the billing exports" })).toBeVisible();
  await expect(board.column("Done")).toContainText("1 task");
  await expect(board.column("To do").getByRole("link")).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]q=flamingo-sidecar/);
  // The page re-rendered around the input: it kept the focus and the caret where typing left it.
  await expect(board.filter).toBeFocused();
  await expect(board.filter).toHaveValue("flamingo-sidecar");
  expect(await board.filter.evaluate((input: HTMLInputElement) => input.selectionStart)).toBe("flamingo-sidecar".length);

  await board.openTask("Migrate the billing exports");
  await expect(taskPage.statusBadge).toHaveText("Done");

  // Back on the board the filter is still applied, and clearing it brings the capped column back.
  await page.goBack();
  await expect(board.filter).toHaveValue("flamingo-sidecar");
  await expect(board.cards("Done")).toHaveCount(1);
  await board.filter.fill("");
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP);

  await board.showMore("Done").click();
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE);
  await expect(board.card("Migrate the billing exports")).toHaveCount(0);
  await expect(board.column("Done")).toContainText(`The ${BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE} most recent of ${doneTotal}.`);
  await expect(board.showMore("Done")).toHaveText(`Show all ${doneTotal} Done tasks`);
  await board.showMore("Done").click();
  await expect(board.cards("Done")).toHaveCount(doneTotal);
  await expect(board.card("Migrate the billing exports")).toBeVisible();
  await expect(board.showMore("Done")).toHaveCount(0);
  await page.reload();
  await expect(board.cards("Done")).toHaveCount(doneTotal);
  await board.showFewer("Done").click();
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP);
  await expect(board.column("Done")).toContainText(`${doneTotal} tasks`);

  // Show more clicked while the typed filter still waits for its pause keeps both. The board's
  // answer to a navigation without the typed text is held until the page asks for another one
  // (the pause ending), so the order that lost the expansion or the text happens every time.
  const isBoardNavigation = (url: URL) => url.pathname === "/" && url.searchParams.has("_rsc");
  const held: Route[] = [];
  await page.route(isBoardNavigation, async (route) => {
    if (new URL(route.request().url()).searchParams.get("q") !== "chore") {
      held.push(route);
      return;
    }
    for (const waiting of held.splice(0)) await waiting.continue();
    await route.continue();
  });
  await board.filter.fill("chore");
  await board.showMore("Done").click();
  await expect(page).toHaveURL(new RegExp(`/\\?q=chore&all=done%3A${BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE}$`));
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE);
  await expect(board.filter).toHaveValue("chore");
  await page.unroute(isBoardNavigation);
  for (const waiting of held.splice(0)) await waiting.continue();
  // Back is the board before Show more, as with any link.
  await page.goBack();
  await expect(board.cards("Done")).toHaveCount(BOARD_COLUMN_CAP);
  expect(prefetched, "pages prefetched by the board's links").toEqual([]);
});
