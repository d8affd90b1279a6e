import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { startTaskViaApi } from "./fixtures/internal-api";
import { createRepo, git } from "./fixtures/git-repo";
import { expect, test, type App } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { ChangesTab } from "./pages/changes-tab";
import { DeleteWorkspaceDialog } from "./pages/delete-workspace-dialog";
import { DiscardWorkspaceDialog } from "./pages/discard-workspace-dialog";
import { SettingsPage } from "./pages/settings-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { WorkspacePanel } from "./pages/workspace-panel";

/**
 * The lifecycle of isolated tasks through the UI, each test on its own real repository: two tasks
 * editing the same line (review, merge, conflict), deleting with and without unmerged work, a
 * worktree removed by hand, repaired, then removed on purpose to start over, and Settings (setup command, copied files, disk use, clean up).
 */

/** What a refused merge must leave exactly as it was. */
function baseState(repo: string) {
  return {
    status: git(repo, "status", "--porcelain"),
    main: git(repo, "rev-parse", "main"),
    head: git(repo, "symbolic-ref", "HEAD"),
    branches: git(repo, "branch", "--format=%(refname) %(objectname)"),
    readme: fs.readFileSync(path.join(repo, "README.md"), "utf8"),
  };
}

/** The worktrees git knows of, by path. */
function worktrees(repo: string): string[] {
  return git(repo, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((line) => line.startsWith("worktree "))
    .map((line) => line.slice("worktree ".length));
}

function branches(repo: string): string[] {
  return git(repo, "branch", "--format=%(refname:short)").split("\n");
}

function internalToken(app: App): string {
  return fs.readFileSync(path.join(app.dataDir, "internal-token"), "utf8").trim();
}

/** An isolated Shell task through the internal API (for tests whose subject is not the form). */
async function createIsolatedTask(request: APIRequestContext, app: App, title: string, cwd: string): Promise<string> {
  const response = await request.post(`${app.baseURL}/api/internal/tasks`, {
    headers: { authorization: `Bearer ${internalToken(app)}` },
    data: { title, description: "", prompt: "", cwd, profile: "Shell", isolation: "worktree" },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

async function stopTaskViaApi(request: APIRequestContext, app: App, taskId: string): Promise<void> {
  const response = await request.post(`${app.baseURL}/api/internal/terminal/${taskId}/stop`, {
    headers: { authorization: `Bearer ${internalToken(app)}` },
    data: {},
  });
  expect(response.status(), await response.text()).toBeLessThan(300);
}

test("two isolated tasks edit the same line: both diffs reviewed, the first fast-forwards, the second's conflict leaves the base untouched", async ({
  page,
  app,
}) => {
  const repo = createRepo(app, "same-line", []);
  const board = new BoardPage(page, app);
  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);
  const changes = new ChangesTab(page);
  const workspace = new WorkspacePanel(page);

  // Both tasks through the task form, isolated by its field. A base branch the repository does not
  // have is refused at its field when the task is created, not at its first start.
  await board.goto();
  const typo = await board.submitNewTask({ title: "Edit as Alpha", cwd: repo, profile: "Shell", isolation: "Own git worktree and branch", baseBranch: "mian" });
  await expect(typo.getByLabel("Base branch")).toHaveAccessibleErrorMessage('No branch "mian" in this repository');
  await typo.getByLabel("Base branch").fill("main");
  await typo.getByRole("button", { name: "Create task" }).click();
  await expect(typo).toBeHidden();
  await expect(board.card("Edit as Alpha")).toBeVisible();
  await board.createTask({ title: "Edit as Beta", cwd: repo, profile: "Shell", isolation: "Own git worktree and branch", baseBranch: "main" });

  const ids: Record<string, string> = {};
  for (const [title, word] of [
    ["Edit as Alpha", "alpha"],
    ["Edit as Beta", "beta"],
  ] as const) {
    await board.goto();
    await board.openTask(title);
    ids[title] = taskPage.id();
    await terminal.start("");
    await terminal.type(`printf '${word} line\\n' > README.md && git commit -qam 'Line by ${word}' && echo "committed-${word}-$((40+2))"\n`);
    await terminal.expectText(`committed-${word}-42`);
    await expect(workspace.property("Base")).toHaveText("main");
    await changes.open();
    await expect(changes.marker("README.md", "committed")).toBeVisible();
    await expect(changes.fileRow("README.md")).toContainText("+1");
    await changes.openDiff("README.md");
    await expect(changes.diff("README.md")).toContainText(`${word} line`);
    await expect(changes.diff("README.md")).toContainText("first line");
  }
  // Neither edit reached the repository's own checkout.
  expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("first line\n");

  // Merge the first: a fast-forward, main has it.
  await taskPage.gotoId(ids["Edit as Alpha"]!);
  await changes.open();
  await changes.merge("Fast-forward", "main");
  await expect(changes.mergeResult).toContainText("Merged into main");
  expect(git(repo, "show", "main:README.md")).toBe("alpha line");
  expect(git(repo, "log", "-1", "--format=%s", "main")).toBe("Line by alpha");

  // The second conflicts: refused, the file named, the base exactly as before.
  const before = baseState(repo);
  await taskPage.gotoId(ids["Edit as Beta"]!);
  await changes.open();
  await changes.merge("Merge commit", "main");
  await expect(changes.mergeRefusal).toBeVisible();
  await expect(changes.mergeRefusal).toContainText(/conflict/i);
  await expect(changes.mergeRefusal).toContainText("README.md");
  expect(baseState(repo)).toEqual(before);
  expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("alpha line\n");
});

test("delete with unmerged work: the dialog names it, nothing goes unconfirmed, keep both; a task with nothing to lose goes with its worktree and branch", async ({
  page,
  app,
  request,
}) => {
  const repo = createRepo(app, "deletions", []);
  const taskPage = new TaskPage(page, app);
  const workspace = new WorkspacePanel(page);
  const dialog = new DeleteWorkspaceDialog(page);

  const keepId = await createIsolatedTask(request, app, "Keep my work", repo);
  const cleanId = await createIsolatedTask(request, app, "Nothing to lose", repo);
  await startTaskViaApi(request, app, keepId);
  await startTaskViaApi(request, app, cleanId);

  // Work in the first task's worktree: one commit not in main, one untracked file.
  await taskPage.gotoId(keepId);
  const keepTree = await workspace.text("Worktree");
  const keepBranch = await workspace.text("Branch");
  fs.writeFileSync(path.join(keepTree, "feature.txt"), "feature\n");
  git(keepTree, "add", "feature.txt");
  git(keepTree, "commit", "-q", "-m", "Add the feature");
  fs.writeFileSync(path.join(keepTree, "scratch notes.txt"), "draft\n");

  await dialog.open();
  await expect(dialog.lostFiles).toHaveText("scratch notes.txt");
  await expect(dialog.lostCommits).toContainText("Add the feature");
  await expect(dialog.dialog).toContainText(keepBranch);
  // Removing the worktree and the branch would lose both: not without the tick.
  await expect(dialog.removeWorktree).toBeChecked();
  await dialog.deleteBranch.check();
  await expect(dialog.confirmLoss).toHaveAccessibleName("Throw away 1 uncommitted file and 1 unmerged commit");
  await expect(dialog.confirmLoss).not.toBeChecked();
  await expect(dialog.deleteButton).toBeDisabled();
  await dialog.cancelButton.click();
  await expect(dialog.dialog).toBeHidden();
  expect(worktrees(repo)).toContain(keepTree);
  expect(branches(repo)).toContain(keepBranch);
  expect(fs.existsSync(path.join(keepTree, "scratch notes.txt"))).toBe(true);

  // Keep the worktree and the branch: only the task goes.
  await dialog.open();
  await dialog.removeWorktree.uncheck();
  await expect(dialog.deleteBranch).toBeDisabled();
  await expect(dialog.deleteBranch).not.toBeChecked();
  await expect(dialog.confirmLoss).toBeHidden();
  await expect(dialog.dialog).toContainText("The worktree and the branch stay on disk; only the task goes.");
  await dialog.deleteButton.click();
  await page.waitForURL(`${app.baseURL}/`);
  await expect(new BoardPage(page, app).card("Keep my work")).toBeHidden();
  expect(worktrees(repo)).toContain(keepTree);
  expect(branches(repo)).toContain(keepBranch);
  expect(fs.readFileSync(path.join(keepTree, "scratch notes.txt"), "utf8")).toBe("draft\n");

  // Nothing to lose: the worktree and the branch go with the task (its running shell is stopped).
  await taskPage.gotoId(cleanId);
  const cleanTree = await workspace.text("Worktree");
  const cleanBranch = await workspace.text("Branch");
  await dialog.open();
  await expect(dialog.dialog).toContainText("No uncommitted changes in the worktree.");
  await expect(dialog.dialog).toContainText("Every commit of the branch is in main.");
  await dialog.deleteBranch.check();
  await expect(dialog.confirmLoss).toBeHidden();
  await dialog.deleteButton.click();
  await page.waitForURL(`${app.baseURL}/`);
  await expect(new BoardPage(page, app).card("Nothing to lose")).toBeHidden();
  expect(worktrees(repo)).not.toContain(cleanTree);
  expect(branches(repo)).not.toContain(cleanBranch);
  expect(fs.existsSync(cleanTree)).toBe(false);
  // The kept one is still there, and the base is untouched.
  expect(worktrees(repo)).toContain(keepTree);
  expect(git(repo, "status", "--porcelain")).toBe("");

  // Settings still shows where the kept worktree is, and counts it.
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(settings.worktrees).toContainText("1 of them kept from deleted tasks");
  await expect(settings.keptWorktreeRow(keepTree)).toBeVisible();

  // Remove it from there: git's account of it first, nothing thrown away without the tick, the branch stays.
  await settings.openRemoveKept(keepTree);
  await expect(settings.removeKeptDialog).toContainText(repo);
  await expect(settings.removeKeptDialog.getByTestId("kept-branch")).toHaveText(`Its branch ${keepBranch} stays in the repository with its commits.`);
  await expect(settings.removeKeptLostFiles).toHaveText("scratch notes.txt");
  await expect(settings.removeKeptConfirmLoss).toHaveAccessibleName("Throw away 1 uncommitted file");
  await expect(settings.removeKeptButton).toBeDisabled();
  await settings.removeKeptConfirmLoss.check();
  await expect(settings.removeKeptButton).toBeEnabled();
  await settings.removeKeptButton.click();
  await expect(settings.removeKeptDialog).toBeHidden();
  await expect(settings.worktrees.getByRole("status")).toHaveText(`Removed the worktree ${keepTree}. Its branch ${keepBranch} stays in the repository with its commits.`);
  await expect(settings.keptWorktreeRow(keepTree)).toBeHidden();
  await expect(settings.keptWorktrees).toBeHidden();
  await expect(settings.worktrees).not.toContainText("kept from deleted tasks");
  await expect(settings.worktrees).toContainText("in 0 worktrees.");
  expect(worktrees(repo)).toEqual([repo]);
  expect(fs.existsSync(keepTree)).toBe(false);
  expect(branches(repo)).toContain(keepBranch);
  expect(git(repo, "log", "-1", "--format=%s", keepBranch)).toBe("Add the feature");
  expect(git(repo, "status", "--porcelain")).toBe("");
});

test("a worktree removed by hand is reported on the task page and Repair brings it back", async ({ page, app, request }) => {
  const repo = createRepo(app, "health", []);
  const taskPage = new TaskPage(page, app);
  const workspace = new WorkspacePanel(page);
  const taskId = await createIsolatedTask(request, app, "Fragile", repo);
  await startTaskViaApi(request, app, taskId);
  await stopTaskViaApi(request, app, taskId);

  await taskPage.gotoId(taskId);
  await expect(workspace.health).toHaveText("Healthy");
  const tree = await workspace.text("Worktree");
  const branch = await workspace.text("Branch");
  fs.rmSync(tree, { recursive: true, force: true });

  // Start is refused, and the page shows why at once: the panel that said "Healthy" no longer does.
  const terminal = new TerminalPanel(page);
  await terminal.startButton.click();
  await expect(page.getByRole("alert").filter({ hasText: "Open the task to repair its workspace" })).toContainText(`The worktree ${tree} is missing`);
  await expect(workspace.health).toHaveText("Worktree missing");
  await expect(workspace.problem).toContainText(`The worktree ${tree} is missing`);
  // The Changes tab says what is wrong instead of failing.
  const changes = new ChangesTab(page);
  await changes.open();
  await expect(changes.panel.getByRole("alert")).toContainText(`The worktree ${tree} is missing`);
  await changes.terminalTab.click();
  await workspace.repairButton.click();
  await expect(workspace.health).toHaveText("Healthy");
  await expect(workspace.problem).toBeHidden();
  expect(fs.existsSync(path.join(tree, "README.md"))).toBe(true);
  expect(worktrees(repo)).toContain(tree);
  expect(git(tree, "symbolic-ref", "--short", "HEAD")).toBe(branch);

  // And the task starts again in it.
  await terminal.startAgain("");
  await terminal.type('echo "in-$(basename "$PWD")-$((1+1))"\n');
  await terminal.expectText(`in-${path.basename(tree)}-2`);

  // Start over: Remove worktree is refused while the terminal runs in it, then shows what would go.
  const discard = new DiscardWorkspaceDialog(page);
  await discard.open();
  await expect(discard.lostFiles).toBeHidden();
  await discard.removeButton.click();
  await expect(discard.dialog.getByRole("alert")).toContainText("stop it before removing the worktree");
  await discard.cancelButton.click();
  await terminal.stopButton.click();
  await expect(terminal.startButton).toBeVisible();
  fs.writeFileSync(path.join(tree, "half-done.txt"), "draft\n");
  await discard.open();
  await expect(discard.lostFiles).toHaveText("half-done.txt");
  await discard.deleteBranch.check();
  await expect(discard.dialog).toContainText("The next start makes a fresh worktree on a new branch from main.");
  await expect(discard.removeButton).toBeDisabled();
  await discard.confirmLoss.check();
  await discard.removeButton.click();
  await expect(discard.dialog).toBeHidden();
  await expect(workspace.region).toBeHidden();
  expect(worktrees(repo)).toEqual([repo]);
  expect(branches(repo)).not.toContain(branch);
  // The next start makes a fresh worktree from main.
  await terminal.startAgain("");
  await expect(workspace.health).toHaveText("Healthy");
  await terminal.type('ls half-done.txt README.md; echo "fresh-$((3+3))"\n');
  await terminal.expectText("fresh-6");
  await terminal.expectText("No such file or directory");
  expect(worktrees(repo)).toEqual([repo, tree]);
  expect(git(tree, "rev-parse", "HEAD")).toBe(git(repo, "rev-parse", "main"));
  await stopTaskViaApi(request, app, taskId);

  // With the default isolation set to none in Settings, a task that does not choose runs in place.
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await settings.setting("Default isolation").selectOption({ label: "None: run in the task's directory" });
  await settings.saveButton.click();
  await expect(settings.savedMessage).toBeVisible();
  const board = new BoardPage(page, app);
  await board.goto();
  await board.createTask({ title: "In place", cwd: repo, profile: "Shell", isolation: "Default (from Settings)" });
  await board.openTask("In place");
  await terminal.start("");
  await terminal.type('echo "at-$(basename "$PWD")-$((2+2))"\n');
  await terminal.expectText(`at-${path.basename(repo)}-4`);
  await expect(taskPage.properties).toContainText("Default (from Settings)");
  await expect(workspace.region).toBeHidden();
  await expect(new ChangesTab(page).tab).toBeHidden();
  expect(worktrees(repo)).toEqual([repo, tree]);
});

test("Settings: a repository's setup command and copied files make a worktree ready, a failing setup stops the start; disk use and clean up", async ({
  page,
  app,
  request,
}) => {
  const repo = createRepo(app, "ready-to-run", ["local.settings"]);
  fs.writeFileSync(path.join(repo, "local.settings"), "secret=42\n");
  const settings = new SettingsPage(page, app);
  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);
  const workspace = new WorkspacePanel(page);

  // The default isolation is a setting (left at worktree here: the tasks below do not choose).
  await settings.goto();
  await expect(settings.setting("Default isolation")).toHaveValue("worktree");
  await settings.addRepository(repo, "local.settings", 'echo "setup in $(basename "$PWD")"; echo "setup-says-$((6*7))"');

  // A new worktree: the setup runs in its terminal, with its status, then the agent (the shell).
  const readyId = await createIsolatedTask(request, app, "Ready to run", repo);
  await taskPage.gotoId(readyId);
  await terminal.start("");
  await terminal.expectText("setup-says-42");
  await terminal.expectText("Setup finished (exit 0); starting the agent");
  await terminal.type('echo "agent-$((2+3))"; cat local.settings\n');
  await terminal.expectText("agent-5");
  await terminal.expectText("secret=42");
  const screen = await terminal.text.text();
  expect(screen.indexOf("setup-says-42")).toBeLessThan(screen.indexOf("Setup finished (exit 0)"));
  expect(screen.indexOf("Setup finished (exit 0)")).toBeLessThan(screen.indexOf("agent-5"));
  const readyTree = await workspace.text("Worktree");
  expect(fs.readFileSync(path.join(readyTree, "local.settings"), "utf8")).toBe("secret=42\n");

  // A failing setup: its message, and the agent never starts.
  await settings.goto();
  await settings.saveSetupCommand(repo, 'echo "about to fail"; exit 3');
  const failingId = await createIsolatedTask(request, app, "Setup fails", repo);
  await taskPage.gotoId(failingId);
  await terminal.start("");
  await terminal.expectText("about to fail");
  await terminal.expectText("Setup failed (exit 3): the agent was not started");
  await expect(terminal.exitInfo).toHaveText("Exited with code 3");
  await expect(taskPage.statusBadge).toHaveText("Failed");

  // Disk use, and clean up: the done task's worktree goes (its terminal stopped first); the other
  // one's branch has no commits of its own, so it counts as merged, but its uncommitted file keeps it.
  const failingTree = await workspace.text("Worktree");
  fs.writeFileSync(path.join(failingTree, "work in progress.txt"), "draft\n");
  await taskPage.gotoId(readyId);
  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();
  await taskPage.setStatus("Done");
  await settings.goto();
  await expect(settings.worktrees).toContainText("in 2 worktrees");
  await expect(settings.worktreeRow("Ready to run")).toContainText(readyTree);
  await expect(settings.worktreeRow("Ready to run")).toContainText("done");
  await expect(settings.worktreeRow("Setup fails")).toContainText(failingTree);
  await settings.worktrees.getByRole("button", { name: /^Clean up \d+ done or merged$/ }).click();
  await expect(settings.worktrees.getByRole("status")).toContainText("Removed 1 worktree.");
  await expect(settings.worktrees.getByRole("status")).toContainText("Kept 1: Setup fails: This would throw away 1 uncommitted file");
  await expect(settings.worktreeRow("Ready to run")).toBeHidden();
  await expect(settings.worktrees).toContainText("in 1 worktree.");
  expect(fs.existsSync(readyTree)).toBe(false);
  expect(fs.readFileSync(path.join(failingTree, "work in progress.txt"), "utf8")).toBe("draft\n");
  expect(worktrees(repo)).not.toContain(readyTree);
});
