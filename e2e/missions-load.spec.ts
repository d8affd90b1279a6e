import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import type { TerminalPanel } from "./pages/terminal-panel";

/** What a terminal shows right now (its visible rows, through the renderer-independent probe). */
function shown(terminal: TerminalPanel): Promise<string> {
  return terminal.text.text();
}

/** Resolves with the screen once `accept` holds for it (bounded only by the test's timeout). */
async function screenWhen(terminal: TerminalPanel, accept: (text: string) => boolean): Promise<string> {
  let text = "";
  await expect
    .poll(async () => {
      text = await shown(terminal);
      return accept(text);
    })
    .toBe(true);
  return text;
}

/** The highest `line-<n>` of `tile` on a screen (-1: none shown). */
function lastLine(text: string, tile: number, before = text.length): number {
  let highest = -1;
  for (const match of text.slice(0, before).matchAll(new RegExp(`tile-${tile} line-(\\d+)`, "g"))) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/**
 * What a user sees while twenty shells keep their tiles busy, asserted by order and cause, never by
 * the clock: every wait here is bounded only by the test's timeout (how fast it goes is
 * `npm run bench`'s business: the missions and browser-missions scenarios).
 *
 * Keys first (docs/flow-control.md): keys typed into one flooding tile reach its program and
 * their echo shows in that tile after what it printed before the keys — never before it, never
 * lost behind the flood — while the page stays usable.
 */
test("twenty flooding tiles: Ctrl+C and typing reach one tile's shell, the echo follows earlier output, the page scrolls", async ({ page, app, request }) => {
  // Twenty floods on a shared 2-core machine: one generous bound for the whole test.
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const target = 7;
  const titles = Array.from({ length: 20 }, (_, i) => `Flood ${String(i + 1).padStart(2, "0")}`);
  // The neighbours are busy, not unbounded: ten numbered lines every 50 ms (200 lines a second,
  // twenty tiles repainting at once), paced by a builtin `read -t` on a pipe that never speaks, so
  // no process is forked per pause. Twenty unbounded floods would saturate any machine, and then
  // whether the test passes would depend on how the scheduler shares it (that case is measured by
  // `npm run bench`). The target alone floods without a pause, so its view is behind its program
  // when the keys come (the case the catch-up is for).
  const flood = (n: number) =>
    n === target
      ? `i=0; while :; do i=$((i+1)); echo "tile-${n} line-$i"; done`
      : `exec 3<> <(:); i=0; while :; do for k in 0 1 2 3 4 5 6 7 8 9; do i=$((i+1)); echo "tile-${n} line-$i"; done; read -t 0.05 -u 3; done`;
  const ids = await Promise.all(titles.map((title, i) => createTaskViaApi(request, app, { title, prompt: flood(i + 1) })));
  for (const id of ids) await startTaskViaApi(request, app, id);

  const missions = new MissionsPage(page, app);
  // A refresh the server fails to answer makes Next reload the whole page (every tile reconnects):
  // a person would see the grid flash. It must not happen, and if it does the test says so at once.
  let loads = 0;
  page.on("load", () => loads++);
  const notReloaded = () => expect(loads, "the Missions page reloaded under the flood").toBe(1);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(20);
  // Each tile shows its own flood once scrolled into view (tiles out of sight consume nothing).
  for (const [i, title] of titles.entries()) {
    notReloaded();
    await missions.tile(title).scrollIntoViewIfNeeded();
    await screenWhen(missions.terminal(title), (text) => lastLine(text, i + 1) >= 0);
  }
  await page.evaluate(() => window.scrollTo(0, 0));

  const tile = missions.terminal(titles[target - 1]!);
  await tile.screen.scrollIntoViewIfNeeded();
  // A line the program printed before any key: the echo must come after it.
  const seenBefore = lastLine(await screenWhen(tile, (text) => lastLine(text, target) > 0), target);

  // Ctrl+C while the loop runs: the terminal echoes `^C` and the loop stops. The echo shows in
  // this tile after the output printed before the key.
  await tile.screen.click();
  await page.keyboard.press("Control+C");
  const stopped = await screenWhen(tile, (text) => text.includes("^C"));
  const echoAt = stopped.lastIndexOf("^C");
  expect(lastLine(stopped, target, echoAt), "the echo came after the output printed before the key").toBeGreaterThanOrEqual(seenBefore);

  // The shell reads again: a command typed now is answered, then the prompt it set shows (a known
  // prompt, whatever the machine's PS1 is).
  await page.keyboard.type("PS1='flood-07> '; echo answer-$((6*7))");
  await page.keyboard.press("Enter");
  const answered = await screenWhen(tile, (text) => /answer-42\s*flood-07> $/.test(text.trimEnd() + " "));
  expect(answered.indexOf("answer-42"), "the answer comes after the Ctrl+C").toBeGreaterThan(answered.lastIndexOf("^C"));

  // Typing goes on to work in the stopped tile while the neighbours keep flooding: each echo
  // shows, and a neighbour's screen moves on meanwhile (its output was only held, never lost).
  const neighbour = missions.terminal(titles[0]!);
  const neighbourBefore = lastLine(await shown(neighbour), 1);
  await page.keyboard.type("echo again-$((7*6))");
  await page.keyboard.press("Enter");
  const settled = await screenWhen(tile, (text) => /again-42\s*flood-07> $/.test(text.trimEnd() + " "));
  await screenWhen(neighbour, (text) => lastLine(text, 1) > neighbourBefore);
  // The stopped tile prints no more: it still shows exactly what it showed once the answer came.
  expect(await shown(tile)).toBe(settled);
  expect(lastLine(settled, target), "the stopped tile prints no more of its loop").toBeLessThanOrEqual(lastLine(stopped, target));

  // The page scrolls with the wheel over a tile that is not focused (the tile does not swallow it).
  const scrollTile = missions.tile(titles[1]!);
  const box = (await scrollTile.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, 400);
      return page.evaluate(() => window.scrollY);
    })
    .toBeGreaterThan(300);

  await page.evaluate(() => window.scrollTo(0, 0));
  notReloaded();
  await missions.stopAll();
  await expect(missions.tiles).toHaveCount(0);
});
