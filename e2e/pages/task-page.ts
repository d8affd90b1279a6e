import { expect, type Locator, type Page } from "@playwright/test";
import type { App } from "../fixtures/test";
import { fillTaskForm, type TaskFields } from "./task-form";

export class TaskPage {
  readonly heading: Locator;
  readonly statusSelect: Locator;
  readonly editButton: Locator;
  readonly deleteButton: Locator;
  readonly editDialog: Locator;
  readonly deleteDialog: Locator;
  readonly properties: Locator;
  readonly brief: Locator;
  readonly runs: Locator;
  /** The stored status, as rendered by the server (the select shows a pending choice at once). */
  readonly statusBadge: Locator;

  constructor(
    readonly page: Page,
    readonly app: App,
  ) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.statusSelect = page.getByLabel("Status", { exact: true });
    this.editButton = page.getByRole("button", { name: "Edit", exact: true });
    this.deleteButton = page.getByRole("button", { name: "Delete", exact: true });
    this.editDialog = page.getByRole("dialog", { name: "Edit task" });
    this.deleteDialog = page.getByRole("dialog", { name: "Delete this task?" });
    this.properties = page.getByRole("complementary", { name: "Properties" });
    this.brief = page.getByRole("region", { name: "Brief" });
    this.runs = page.getByRole("region", { name: "Runs" });
    this.statusBadge = page.getByTestId("task-status");
  }

  async gotoId(id: string): Promise<void> {
    await this.page.goto(`${this.app.baseURL}/tasks/${id}`);
  }

  /** The task id, from the current URL. */
  id(): string {
    const match = /\/tasks\/([^/?#]+)/.exec(this.page.url());
    if (!match?.[1]) throw new Error(`Not on a task page: ${this.page.url()}`);
    return match[1];
  }

  /** Submits the Edit form; does not wait for the outcome. */
  async submitEdit(fields: TaskFields): Promise<void> {
    await this.editButton.click();
    await expect(this.editDialog).toBeVisible();
    await fillTaskForm(this.editDialog, fields);
    await this.editDialog.getByRole("button", { name: "Save changes" }).click();
  }

  async edit(fields: TaskFields): Promise<void> {
    await this.submitEdit(fields);
    await expect(this.editDialog).toBeHidden();
  }

  /** Picks a status and waits until the server has stored it (the badge follows the stored value). */
  async setStatus(label: string): Promise<void> {
    await this.statusSelect.selectOption({ label });
    await expect(this.statusBadge).toHaveText(label);
    await expect(this.statusSelect).toBeEnabled();
  }

  async delete(): Promise<void> {
    await this.deleteButton.click();
    await expect(this.deleteDialog).toBeVisible();
    await this.deleteDialog.getByRole("button", { name: "Delete task" }).click();
    await this.page.waitForURL(`${this.app.baseURL}/`);
  }
}
