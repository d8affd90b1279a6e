import path from "node:path";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";

test("a bad working directory is refused next to its field and nothing is saved", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  await board.goto();

  const missing = path.join(app.dataDir, "no-such-dir");
  const dialog = await board.submitNewTask({ title: "Refactor the parser", prompt: "Keep the API stable.", cwd: missing });
  const cwdField = dialog.getByLabel("Working directory");
  await expect(cwdField).toHaveAccessibleErrorMessage(`Working directory does not exist: ${missing}`);
  await expect(cwdField).toHaveAttribute("aria-invalid", "true");
  // What was typed is still there to correct.
  await expect(dialog.getByLabel("Title")).toHaveValue("Refactor the parser");
  await expect(dialog.getByLabel("Prompt")).toHaveValue("Keep the API stable.");

  const file = path.join(app.dataDir, "ai-manager.db");
  await cwdField.fill(file);
  await dialog.getByRole("button", { name: "Create task" }).click();
  await expect(cwdField).toHaveAccessibleErrorMessage(`Working directory is not a directory: ${file}`);

  await cwdField.fill("projects/parser");
  await dialog.getByRole("button", { name: "Create task" }).click();
  await expect(cwdField).toHaveAccessibleErrorMessage(/must be an absolute path/);

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(board.emptyState).toBeVisible();
});

test("an empty title is refused next to its field", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  const dialog = await board.submitNewTask({ title: "   ", cwd: projectDir(app, "web-app") });
  await expect(dialog.getByLabel("Title")).toHaveAccessibleErrorMessage("Title is required");
  await expect(dialog.getByLabel("Working directory")).not.toHaveAttribute("aria-invalid", "true");

  await dialog.getByLabel("Title").fill("Add a health check");
  await dialog.getByRole("button", { name: "Create task" }).click();
  await expect(dialog).toBeHidden();
  await expect(board.card("Add a health check")).toBeVisible();
});

test("editing a task to a bad working directory keeps the stored one", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  const taskPage = new TaskPage(page, app);
  const cwd = projectDir(app, "web-app");
  await board.goto();
  await board.createTask({ title: "Tidy the CSS", cwd });
  await board.openTask("Tidy the CSS");

  await taskPage.submitEdit({ cwd: "/nonexistent/elsewhere" });
  await expect(taskPage.editDialog.getByLabel("Working directory")).toHaveAccessibleErrorMessage(
    "Working directory does not exist: /nonexistent/elsewhere",
  );
  await taskPage.editDialog.getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await expect(taskPage.properties).toContainText(cwd);
});
