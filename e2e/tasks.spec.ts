import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";

test("a task can be created, seen on the board, edited, reloaded and deleted", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  const taskPage = new TaskPage(page, app);
  const cwd = projectDir(app, "release-tools");

  await board.goto();
  await expect(page).toHaveTitle("Board · AI Manager");
  await expect(board.emptyState).toBeVisible();

  await board.createTask({
    title: "Write the release notes",
    description: "For the 1.0 announcement",
    prompt: "Summarise the merged pull requests since v0.9.",
    cwd,
  });
  await expect(board.column("To do").getByRole("link", { name: "Write the release notes" })).toBeVisible();
  await expect(board.emptyState).toBeHidden();

  await board.openTask("Write the release notes");
  await expect(page).toHaveTitle("Write the release notes · AI Manager");
  await expect(taskPage.statusBadge).toHaveText("To do");
  await expect(taskPage.brief).toContainText("Summarise the merged pull requests since v0.9.");
  await expect(taskPage.properties).toContainText(cwd);
  await expect(taskPage.properties).toContainText("Active profile (Claude Code)");
  await expect(taskPage.runs).toContainText("No runs yet");
  await expect(page.getByRole("region", { name: "Terminal" })).toBeAttached();

  await taskPage.edit({ title: "Write the 1.0 release notes", prompt: "List the breaking changes first.", profile: "Shell" });
  await expect(taskPage.heading).toHaveText("Write the 1.0 release notes");
  await taskPage.setStatus("Review");

  await page.reload();
  await expect(taskPage.heading).toHaveText("Write the 1.0 release notes");
  await expect(taskPage.statusBadge).toHaveText("Review");
  await expect(taskPage.brief).toContainText("List the breaking changes first.");
  await expect(taskPage.properties).toContainText("Shell");

  await board.goto();
  await expect(board.column("Review").getByRole("link", { name: "Write the 1.0 release notes" })).toBeVisible();
  await expect(board.column("To do").getByRole("link")).toHaveCount(0);

  await board.openTask("Write the 1.0 release notes");
  await taskPage.delete();
  await expect(board.heading).toBeVisible();
  await expect(board.card("Write the 1.0 release notes")).toHaveCount(0);
  await expect(board.emptyState).toBeVisible();
  await page.reload();
  await expect(board.emptyState).toBeVisible();
});

test("the board filter narrows the cards and an unknown task id shows a helpful page", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  await board.createTask({ title: "Fix the login redirect", cwd: projectDir(app, "web-app") });
  await board.createTask({ title: "Upgrade the database driver", cwd: projectDir(app, "api-gateway") });

  await board.filter.fill("gateway");
  await expect(board.card("Upgrade the database driver")).toBeVisible();
  await expect(board.card("Fix the login redirect")).toHaveCount(0);
  await board.filter.fill("nothing like this");
  await expect(page.getByRole("status")).toHaveText("No tasks match “nothing like this”.");
  await board.filter.fill("");
  await expect(board.card("Fix the login redirect")).toBeVisible();

  const response = await page.goto(`${app.baseURL}/tasks/no-such-task`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Task not found" })).toBeVisible();
  await expect(page).toHaveTitle("Task not found · AI Manager");
  await page.getByRole("link", { name: "Back to the board" }).click();
  await expect(board.heading).toBeVisible();
});
