import { expect, type Locator, type Page } from "@playwright/test";
import type { App } from "../fixtures/test";
import { fillTaskForm, type TaskFields } from "./task-form";
import { expectShortcutsReady } from "./shortcuts";

export class BoardPage {
  readonly heading: Locator;
  readonly newTaskButton: Locator;
  readonly emptyState: Locator;
  readonly newTaskDialog: Locator;
  readonly filter: Locator;

  constructor(
    readonly page: Page,
    readonly app: App,
  ) {
    this.heading = page.getByRole("heading", { level: 1, name: "Board" });
    this.newTaskButton = page.getByRole("button", { name: "New task" });
    this.emptyState = page.getByRole("region", { name: "No tasks yet" });
    this.newTaskDialog = page.getByRole("dialog", { name: "New task" });
    this.filter = page.getByRole("searchbox", { name: "Filter tasks" });
  }

  async goto(): Promise<void> {
    await this.page.goto(`${this.app.baseURL}/`);
    await expect(this.heading).toBeVisible();
    await expectShortcutsReady(this.page);
  }

  /** A status column by its label, e.g. "To do", "Needs input". */
  column(label: string): Locator {
    return this.page.getByRole("region", { name: label, exact: true });
  }

  /** The cards of a column (not its Show all / Show fewer link). */
  cards(label: string): Locator {
    return this.column(label).getByRole("listitem");
  }

  /** A column's "Show all N" link (end-state columns with more tasks than they show). */
  /** The capped column's link to more of its tasks: "Show 200 more", or "Show all N" for the rest. */
  showMore(label: string): Locator {
    return this.column(label).getByRole("link", { name: /^Show (all \d+|\d+ more)/ });
  }

  showFewer(label: string): Locator {
    return this.column(label).getByRole("link", { name: /^Show fewer/ });
  }

  /** Types into the filter key by key, as a person does (the filter is applied after a pause). */
  async typeFilter(text: string): Promise<void> {
    await this.filter.click();
    await this.filter.pressSequentially(text);
  }

  card(title: string): Locator {
    return this.page.getByRole("link", { name: title });
  }

  async openNewTask(): Promise<Locator> {
    await this.newTaskButton.click();
    await expect(this.newTaskDialog).toBeVisible();
    return this.newTaskDialog;
  }

  /** Submits the New task form; does not wait for the outcome. */
  async submitNewTask(fields: TaskFields): Promise<Locator> {
    const dialog = await this.openNewTask();
    await fillTaskForm(dialog, fields);
    await dialog.getByRole("button", { name: "Create task" }).click();
    return dialog;
  }

  /** Creates a task and waits for its card. */
  async createTask(fields: TaskFields & { title: string; cwd: string }): Promise<void> {
    const dialog = await this.submitNewTask(fields);
    await expect(dialog).toBeHidden();
    await expect(this.card(fields.title)).toBeVisible();
  }

  async openTask(title: string): Promise<void> {
    await this.card(title).click();
    await expect(this.page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  }
}
