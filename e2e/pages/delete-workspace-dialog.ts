import { expect, type Locator, type Page } from "@playwright/test";

/** The delete dialog of a task with a worktree: what would be lost, what to remove, the confirmation. */
export class DeleteWorkspaceDialog {
  readonly dialog: Locator;
  readonly lostFiles: Locator;
  readonly lostCommits: Locator;
  readonly removeWorktree: Locator;
  readonly deleteBranch: Locator;
  readonly confirmLoss: Locator;
  readonly deleteButton: Locator;
  readonly cancelButton: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole("dialog", { name: "Delete this task and its workspace?" });
    this.lostFiles = this.dialog.getByTestId("loss-files");
    this.lostCommits = this.dialog.getByTestId("loss-commits");
    this.removeWorktree = this.dialog.getByRole("checkbox", { name: "Remove the worktree directory" });
    this.deleteBranch = this.dialog.getByRole("checkbox", { name: /^Delete the branch/ });
    this.confirmLoss = this.dialog.getByRole("checkbox", { name: /^Throw away/ });
    this.deleteButton = this.dialog.getByRole("button", { name: "Delete task" });
    this.cancelButton = this.dialog.getByRole("button", { name: "Cancel" });
  }

  /** Opens the dialog from the task page and waits for the worktree's report. */
  async open(): Promise<void> {
    await this.page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.removeWorktree).toBeVisible();
  }
}
