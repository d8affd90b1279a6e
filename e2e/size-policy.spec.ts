import { devices, type Page } from "@playwright/test";
import { createTaskViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { expect, test } from "./fixtures/test";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/** The size shown in a task page's terminal toolbar, as `{ cols, rows }`. */
async function shownSize(page: Page): Promise<{ cols: number; rows: number }> {
  const label = page.getByTestId("terminal-size");
  await expect(label).toHaveText(/^\d+×\d+$/);
  const [cols, rows] = (await label.textContent())!.split("×").map(Number);
  return { cols: cols!, rows: rows! };
}

/**
 * The size policy (docs/protocol.md): one desktop view sets the PTY size; a phone opening the
 * task, typing into it, or a Missions tile showing it, never re-wraps the agent for everyone.
 */
test("a phone and a Missions tile leave the terminal's size alone; the phone takes it only when asked", async ({ page, app, request, browser }) => {
  const taskId = await createTaskViaApi(request, app, { title: "Sized agent" });
  await startTaskViaApi(request, app, taskId);

  // The desktop task page, the first view: the terminal takes the size that fits it.
  const desktop = new TaskPage(page, app);
  await desktop.gotoId(taskId);
  const desktopTerminal = new TerminalPanel(page);
  await desktopTerminal.waitLive();
  await desktopTerminal.type("echo desk-$(stty size | tr ' ' x)\n");
  const deskSize = await shownSize(page);
  // The program itself sees that size (stty prints rows then cols).
  await desktopTerminal.expectText(`desk-${deskSize.rows}x${deskSize.cols}`);

  // A phone opens the same task and types into it.
  const phoneContext = await browser.newContext({ ...devices["iPhone 13"], baseURL: app.baseURL });
  try {
    if (app.loginURL) expect((await phoneContext.request.get(app.loginURL, { maxRedirects: 0 })).status()).toBeLessThan(400);
    const phone = await phoneContext.newPage();
    await phone.goto(`${app.baseURL}/tasks/${taskId}`);
    const phoneTerminal = new TerminalPanel(phone);
    await phoneTerminal.waitLive();
    await phoneTerminal.type("echo phone-$(stty size | tr ' ' x)\n");
    await phoneTerminal.expectText(`phone-${deskSize.rows}x${deskSize.cols}`);
    expect(await shownSize(phone)).toEqual(deskSize);
    expect(await shownSize(page)).toEqual(deskSize);
    // The phone shows the desktop's terminal as it is, scrolling sideways inside a frame no wider than the phone.
    const frame = await phoneTerminal.screen.boundingBox();
    expect(frame!.width).toBeLessThanOrEqual(phone.viewportSize()!.width);

    // A Missions tile (another desktop tab) shows it at that size too, without changing it.
    const missionsTab = await page.context().newPage();
    const missions = new MissionsPage(missionsTab, app);
    await missions.goto();
    const tile = missions.terminal("Sized agent");
    await tile.waitLive();
    await tile.expectText(`phone-${deskSize.rows}x${deskSize.cols}`);
    await tile.type("echo tile-$(stty size | tr ' ' x)\n");
    await tile.expectText(`tile-${deskSize.rows}x${deskSize.cols}`);
    expect(await shownSize(page)).toEqual(deskSize);
    await missionsTab.close();

    // The phone asks for its own size: everyone follows, and the program sees it.
    await phone.getByRole("button", { name: "Fit to this view" }).click();
    await expect(page.getByTestId("terminal-size")).not.toHaveText(`${deskSize.cols}×${deskSize.rows}`);
    const phoneSize = await shownSize(page);
    // A phone's width: far fewer columns than the desktop's (an iPhone 13 is 390 px wide).
    expect(phoneSize.cols).toBeLessThan(60);
    await expect(phone.getByTestId("terminal-size")).toHaveText(`${phoneSize.cols}×${phoneSize.rows}`);
    await expect(phone.getByRole("button", { name: "Fit to this view" })).toHaveCount(0);
    await phoneTerminal.type("echo small-$(stty size | tr ' ' x)\n");
    await phoneTerminal.expectText(`small-${phoneSize.rows}x${phoneSize.cols}`);

    // The desktop offers its size back, and typing there takes it.
    await expect(page.getByRole("button", { name: "Fit to this view" })).toBeVisible();
    await desktopTerminal.type("echo back-$(stty size | tr ' ' x)\n");
    await desktopTerminal.expectText(`back-${deskSize.rows}x${deskSize.cols}`);
    expect(await shownSize(page)).toEqual(deskSize);
    await expect(page.getByRole("button", { name: "Fit to this view" })).toHaveCount(0);
  } finally {
    await phoneContext.close();
  }
});
