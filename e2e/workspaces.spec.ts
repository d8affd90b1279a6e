import fs from "node:fs";
import path from "node:path";
import { createRepo, git } from "./fixtures/git-repo";
import { expect, test, type App } from "./fixtures/test";
import { ChangesTab } from "./pages/changes-tab";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

/** An isolated Shell task on `cwd`, through the internal API (as an agent or MCP create_task would). */
async function createIsolatedShellTask(request: import("@playwright/test").APIRequestContext, app: App, title: string, cwd: string): Promise<string> {
  const token = fs.readFileSync(path.join(app.dataDir, "internal-token"), "utf8").trim();
  const response = await request.post(`${app.baseURL}/api/internal/tasks`, {
    headers: { authorization: `Bearer ${token}` },
    data: { title, description: "", prompt: "", cwd, profile: "Shell", isolation: "worktree" },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

test("an isolated shell task: edit in its worktree, review the diff, comment to the terminal as a paste, commit, fast-forward merge", async ({
  page,
  app,
  request,
}) => {
  const repo = createRepo(app, "review-repo");
  const taskId = await createIsolatedShellTask(request, app, "Review me", repo);
  const taskPage = new TaskPage(page, app);
  const terminal = new TerminalPanel(page);
  const changes = new ChangesTab(page);
  await taskPage.gotoId(taskId);

  // The terminal runs in the task's worktree, not in the repository itself.
  await terminal.start("");
  await terminal.type('printf "second line\\n" >> README.md && echo "edited-$((40+2))"\n');
  await terminal.expectText("edited-42");
  expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("first line\n");

  // The Changes tab shows the uncommitted edit and its diff.
  await changes.open();
  await expect(changes.fileRow("README.md")).toBeVisible();
  await expect(changes.marker("README.md", "uncommitted")).toBeVisible();
  await expect(changes.fileRow("README.md")).toContainText("+1");
  await expect(changes.summary).toContainText("main");
  await changes.openDiff("README.md");
  await expect(changes.diff("README.md")).toContainText("second line");

  // A comment on the new line, pending until sent.
  await changes.comment("README.md", "second line", "please shout this line");
  await expect(changes.comments).toContainText("README.md:2");
  await expect(changes.comments).toContainText("please shout this line");
  await expect(changes.tab).toContainText("1");

  // `cat -v` shows the bytes it receives: a bracketed paste arrives wrapped in ESC[200~ … ESC[201~.
  await changes.showTerminal();
  await page.keyboard.type("cat -v");
  await page.keyboard.press("Enter");
  await changes.open();
  await changes.sendButton.click();
  // A shell would run the comments as commands: pasted, not submitted.
  await expect(changes.comments.getByRole("status")).toContainText("pasted into the terminal, not submitted");
  await expect(changes.comments).toContainText("none pending");
  await changes.showTerminal();
  // Enter is the person's to press; then `cat -v` gets the line. (The tty echoes the input too,
  // so the text shows twice; either copy proves the markers.)
  await page.keyboard.press("Enter");
  await terminal.expectText("^[[200~Review comments");
  await terminal.expectText("README.md:2: please shout this line^[[201~");
  await page.keyboard.press("Control+c");

  // Land: commit what the shell left uncommitted, then fast-forward main.
  await changes.open();
  await changes.commit("Add a second line");
  await expect(changes.marker("README.md", "committed")).toBeVisible();
  await expect(changes.marker("README.md", "uncommitted")).toBeHidden();
  await expect(changes.summary).toContainText("1 ahead");
  await changes.merge("Fast-forward", "main");
  await expect(changes.mergeResult).toContainText("Merged into main");

  // The base branch (and its checkout) has the change.
  expect(git(repo, "show", "main:README.md")).toBe("first line\nsecond line");
  expect(git(repo, "log", "-1", "--format=%s", "main")).toBe("Add a second line");
  expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("first line\nsecond line\n");
  expect(git(repo, "status", "--porcelain")).toBe("");

  // After the merge the task can be marked done.
  await changes.mergeResult.getByRole("button", { name: "Mark done" }).click();
  await expect(taskPage.statusBadge).toHaveText("Done");

  // Every run starts in the worktree now: Edit shows its directory, isolation and base branch as fixed.
  await taskPage.gotoId(taskId);
  await taskPage.editButton.click();
  const dialog = taskPage.editDialog;
  await expect(dialog.getByLabel("Working directory")).not.toBeEditable();
  await expect(dialog.getByLabel("Isolation")).toBeDisabled();
  await expect(dialog.getByLabel("Base branch")).not.toBeEditable();
  await expect(dialog).toContainText("Fixed: this task runs in its worktree");
  await dialog.getByLabel("Title").fill("Reviewed and landed");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await expect(taskPage.heading).toHaveText("Reviewed and landed");
});
