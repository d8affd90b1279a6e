import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";

// The tracer snapshots the DOM of twenty busy terminals on every step: it would measure itself.
test.use({ trace: "off" });

test("twenty flooding tiles stay usable: typing reaches one tile and the page scrolls", async ({ page, app, request }, testInfo) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const titles = Array.from({ length: 20 }, (_, i) => `Flood ${String(i + 1).padStart(2, "0")}`);
  const ids = await Promise.all(
    titles.map((title, i) => createTaskViaApi(request, app, { title, prompt: `while :; do echo "tile-${i + 1} $RANDOM $RANDOM $RANDOM"; done` })),
  );
  for (const id of ids) await startTaskViaApi(request, app, id);

  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(20);
  // Each tile shows its own flood once scrolled into view (tiles out of sight consume nothing).
  for (const [i, title] of titles.entries()) {
    await missions.tile(title).scrollIntoViewIfNeeded();
    await missions.terminal(title).expectText(`tile-${i + 1} `);
  }
  await page.evaluate(() => window.scrollTo(0, 0));

  // Type into one tile while all twenty flood: interrupt its loop, run a command, see the answer.
  const target = missions.terminal("Flood 07");
  await target.screen.click();
  const interruptedAt = Date.now();
  await page.keyboard.press("Control+C");
  await expect(target.rows).toContainText("^C", { timeout: 15_000 });
  const interruptMs = Date.now() - interruptedAt;
  await page.keyboard.type("echo typed-into-tile-$((6*7))");
  const enteredAt = Date.now();
  await page.keyboard.press("Enter");
  await expect(target.rows).toContainText("typed-into-tile-42", { timeout: 15_000 });
  const typingMs = Date.now() - enteredAt;

  // The page scrolls with the wheel over tiles that are not focused (they do not swallow it).
  const scrollTile = missions.tile("Flood 02");
  const box = (await scrollTile.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const scrollStart = Date.now();
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, 400);
      return page.evaluate(() => window.scrollY);
    }, { timeout: 20_000 })
    .toBeGreaterThan(300);
  const scrollMs = Date.now() - scrollStart;

  // Frames the page managed in one second while flooding (a measure, not a pass mark).
  const fps = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const start = performance.now();
        const tick = () => {
          frames++;
          if (performance.now() - start < 1000) requestAnimationFrame(tick);
          else resolve(frames);
        };
        requestAnimationFrame(tick);
      }),
  );
  const measure = `20 flooding tiles: Ctrl+C echoed after ${interruptMs} ms, command answered ${typingMs} ms after Enter, page scrolled in ${scrollMs} ms, ${fps} frames/s`;
  testInfo.annotations.push({ type: "measure", description: measure });
  console.log(`[missions] ${measure}`);

  await page.evaluate(() => window.scrollTo(0, 0));
  await missions.stopAll();
  await expect(missions.tiles).toHaveCount(0, { timeout: 30_000 });
});
