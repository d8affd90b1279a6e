import { createTaskViaApi, reportStatusViaApi, startTaskViaApi } from "./fixtures/internal-api";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { MissionsPage } from "./pages/missions-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/** Three agents, each printing its own marker (the arithmetic makes the output differ from the typed command). */
const AGENTS = [
  { title: "Alpha agent", prompt: "echo alpha-out-$((1+1))", output: "alpha-out-2" },
  { title: "Beta agent", prompt: "echo beta-out-$((2+2))", output: "beta-out-4" },
  { title: "Gamma agent", prompt: "echo gamma-out-$((3+3))", output: "gamma-out-6" },
] as const;

test("Missions shows every live session, takes typing, and stops them all", async ({ page, app, context }) => {
  // The longest walk of the suite (three tasks made through the UI, two pages, stop all): its hang
  // guard is sized to that work, as the Missions load test's is. No step has a time limit of its own.
  test.setTimeout(240_000);
  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(page).toHaveTitle("Missions · AI Manager");
  await expect(missions.emptyState).toBeVisible();

  // Start three Shell tasks from another tab, as a person would; Missions is watching meanwhile.
  const other = await context.newPage();
  const board = new BoardPage(other, app);
  await board.goto();
  for (const agent of AGENTS) {
    await board.createTask({ title: agent.title, prompt: agent.prompt, cwd: projectDir(app, agent.title.split(" ")[0]!.toLowerCase()), profile: "Shell" });
    await board.openTask(agent.title);
    await new TerminalPanel(other).start();
    await board.goto();
  }

  // They appear live, without a reload, each tile showing its own session's output.
  await expect(missions.tiles).toHaveCount(3);
  for (const agent of AGENTS) {
    const terminal = missions.terminal(agent.title);
    await terminal.waitLive();
    await terminal.expectText(agent.output);
    for (const otherAgent of AGENTS.filter((a) => a !== agent)) await terminal.expectNoText(otherAgent.output);
    await expect(missions.tile(agent.title).getByRole("status", { name: "Terminal connection" })).toHaveText("Live");
  }
  await expect(missions.filter("Running")).toContainText("3");

  // Type into one tile from the panel; the task's own page shows the same session.
  const beta = missions.terminal("Beta agent");
  await beta.type("echo typed-in-missions-$((40+2))\n");
  await beta.expectText("typed-in-missions-42");
  await missions.terminal("Alpha agent").expectNoText("typed-in-missions-42");
  await missions.tile("Beta agent").getByRole("link", { name: "Beta agent" }).click();
  const taskPage = new TaskPage(page, app);
  await expect(taskPage.heading).toHaveText("Beta agent");
  const taskTerminal = new TerminalPanel(page);
  await taskTerminal.waitLive();
  await taskTerminal.expectText("typed-in-missions-42");

  // Stop all (confirmed): the live tiles go, the sessions are listed as ended, the tasks' statuses change.
  await missions.goto();
  await expect(missions.tiles).toHaveCount(3);
  await missions.stopAll();
  await expect(missions.tiles).toHaveCount(0);
  for (const agent of AGENTS) {
    await expect(missions.endedRow(agent.title)).toContainText("Interrupted");
    await expect(missions.endedRow(agent.title)).toContainText(/Stopped by SIG/);
  }
  await expect(missions.stopAllButton).toBeDisabled();
  await board.goto();
  await expect(board.column("Interrupted").getByRole("link")).toHaveCount(3);
  await other.close();
});

test("tiles expand and collapse, filter by status and text, and ended sessions can be dismissed", async ({ page, app, request }) => {
  const ids: Record<string, string> = {};
  for (const [title, prompt] of [
    ["Refactor the parser", "echo parser-ready"],
    ["Update the docs", "echo docs-ready"],
    ["Quick check", "echo quick-done; exit 3"],
  ] as const) {
    const id = await createTaskViaApi(request, app, { title, prompt });
    ids[title] = id;
    await startTaskViaApi(request, app, id);
  }
  const missions = new MissionsPage(page, app);
  await missions.goto();
  await expect(missions.tiles).toHaveCount(2);
  await expect(missions.endedRow("Quick check")).toContainText("Exited with code 3");

  // Expand fills the panel; Esc collapses (focus on the tile's controls, not in the terminal).
  const parser = missions.tile("Refactor the parser");
  await missions.terminal("Refactor the parser").expectText("parser-ready");
  await parser.getByRole("button", { name: "Expand" }).click();
  await expect(parser).toHaveAttribute("data-expanded", "true");
  const viewport = page.viewportSize()!;
  await expect.poll(async () => (await parser.boundingBox())?.width ?? 0).toBeGreaterThan(viewport.width * 0.9);
  await page.keyboard.press("Escape");
  await expect(parser).not.toHaveAttribute("data-expanded");
  // Inside the terminal Esc belongs to the program; the Collapse button still collapses.
  await parser.getByRole("button", { name: "Expand" }).click();
  await missions.terminal("Refactor the parser").type("echo expanded-$((5*5))\n");
  await missions.terminal("Refactor the parser").expectText("expanded-25");
  await page.keyboard.press("Escape");
  await expect(parser).toHaveAttribute("data-expanded", "true");
  await parser.getByRole("button", { name: "Collapse" }).click();
  await expect(parser).not.toHaveAttribute("data-expanded");

  // Status filter: the task that asks for input (set by its agent through the API) is alone under "Needs input".
  await reportStatusViaApi(request, app, ids["Update the docs"]!, "needs_input", "Which style guide?");
  await expect(missions.tile("Update the docs").getByText("Needs input", { exact: true })).toBeVisible();
  await missions.filter("Needs input").click();
  await expect(missions.tiles).toHaveCount(1);
  await expect(missions.tile("Update the docs")).toBeVisible();
  await expect(missions.ended).toBeHidden();
  await missions.filter("All").click();
  await expect(missions.tiles).toHaveCount(2);

  // Text filter, with the "/" shortcut to focus it.
  await page.keyboard.press("/");
  await expect(missions.search).toBeFocused();
  await page.keyboard.type("PARSER");
  await expect(missions.tiles).toHaveCount(1);
  await expect(missions.tile("Refactor the parser")).toBeVisible();
  // The hidden tile kept its terminal: clearing the filter shows it with its screen intact.
  await missions.search.fill("");
  await expect(missions.tiles).toHaveCount(2);
  await missions.terminal("Update the docs").expectText("docs-ready");

  // An ended session is listed until dismissed.
  await missions.endedRow("Quick check").getByRole("button", { name: "Dismiss Quick check" }).click();
  await expect(missions.ended).toBeHidden();
});
