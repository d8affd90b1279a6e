import { expect, type Locator, type Page } from "@playwright/test";

/** The Workspace panel's "Remove worktree…" dialog: what would be lost, the branch choice, the confirmation. */
export class DiscardWorkspaceDialog {
  readonly dialog: Locator;
  readonly lostFiles: Locator;
  readonly lostCommits: Locator;
  readonly deleteBranch: Locator;
  readonly confirmLoss: Locator;
  readonly removeButton: Locator;
  readonly cancelButton: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole("dialog", { name: "Remove this task's worktree?" });
    this.lostFiles = this.dialog.getByTestId("loss-files");
    this.lostCommits = this.dialog.getByTestId("loss-commits");
    this.deleteBranch = this.dialog.getByRole("checkbox", { name: /^Delete the branch/ });
    this.confirmLoss = this.dialog.getByRole("checkbox", { name: /^Throw away/ });
    this.removeButton = this.dialog.getByRole("button", { name: "Remove worktree" });
    this.cancelButton = this.dialog.getByRole("button", { name: "Cancel" });
  }

  /** Opens the dialog from the task page's Workspace panel and waits for the worktree's report. */
  async open(): Promise<void> {
    await this.page.getByRole("region", { name: "Workspace", exact: true }).getByRole("button", { name: "Remove worktree…" }).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.deleteBranch).toBeVisible();
  }
}
