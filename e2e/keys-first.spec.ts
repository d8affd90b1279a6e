import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import type { TerminalPanel } from "./pages/terminal-panel";

/**
 * What a terminal shows right now (its visible rows). Every read of terminal text in this spec
 * goes through here, so moving to a renderer-independent probe is one edit.
 */
function screenText(terminal: TerminalPanel): Promise<string> {
  return terminal.text.text();
}

/** Resolves with the screen once `accept` holds for it (bounded only by the test's timeout). */
async function screenWhen(terminal: TerminalPanel, accept: (text: string) => boolean): Promise<string> {
  let text = "";
  await expect
    .poll(async () => {
      text = await screenText(terminal);
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
 * Keys first (docs/flow-control.md): with twenty tiles flooding the page, keys typed into one of
 * them reach its program and their echo shows in that tile after what it printed before the keys
 * — never before it, never lost behind the flood. Asserted by order and content, never by the clock
 * (how fast is `npm run bench`'s missions scenario).
 */
test("twenty flooding tiles: keys typed into one reach its shell, and their echo follows what it printed before", async ({ page, app, request }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const target = 7;
  const titles = Array.from({ length: 20 }, (_, i) => `Keys ${String(i + 1).padStart(2, "0")}`);
  // The neighbours are busy but paced (as in missions-load.spec.ts: ten numbered lines every
  // 50 ms, a builtin `read -t` on a silent pipe as the pause); the target floods without a pause,
  // so its view is behind the program when the keys come (the case the catch-up is for).
  const flood = (n: number) =>
    n === target
      ? `i=0; while :; do i=$((i+1)); echo "tile-${n} line-$i"; done`
      : `exec 3<> <(:); i=0; while :; do for k in 0 1 2 3 4 5 6 7 8 9; do i=$((i+1)); echo "tile-${n} line-$i"; done; read -t 0.05 -u 3; done`;
  const ids = await Promise.all(titles.map((title, i) => createTaskViaApi(request, app, { title, prompt: flood(i + 1) })));
  for (const id of ids) await startTaskViaApi(request, app, id);

  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(20);
  for (const [i, title] of titles.entries()) {
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

  // The shell reads again: a command typed now is answered, then the prompt it set shows.
  await page.keyboard.type("PS1='keys-07> '; echo answer-$((6*7))");
  await page.keyboard.press("Enter");
  const answered = await screenWhen(tile, (text) => /answer-42\s*keys-07> $/.test(text.trimEnd() + " "));
  expect(answered.indexOf("answer-42"), "the answer comes after the Ctrl+C").toBeGreaterThan(answered.lastIndexOf("^C"));

  // Typing goes on to work in the stopped tile while the neighbours keep flooding: each echo
  // shows, and a neighbour's screen moves on meanwhile (its output was only held, never lost).
  const neighbour = missions.terminal(titles[0]!);
  const neighbourBefore = lastLine(await screenText(neighbour), 1);
  await page.keyboard.type("echo again-$((7*6))");
  await page.keyboard.press("Enter");
  await screenWhen(tile, (text) => /again-42\s*keys-07> $/.test(text.trimEnd() + " "));
  await screenWhen(neighbour, (text) => lastLine(text, 1) > neighbourBefore);
  expect(lastLine(await screenText(tile), target), "the stopped tile prints no more of its loop").toBeLessThanOrEqual(lastLine(stopped, target));

  await missions.stopAll();
  await expect(missions.tiles).toHaveCount(0);
});
