import { expect, type Locator, type Page } from "@playwright/test";
import type { App } from "../fixtures/test";
import { expectShortcutsReady } from "./shortcuts";

export interface ProfileFields {
  name?: string;
  /** The option's label: "Claude Code", "Shell" or "Custom CLI". */
  kind?: string;
  command?: string;
  args?: string;
  env?: string;
}

export class SettingsPage {
  readonly heading: Locator;
  readonly saveButton: Locator;
  readonly savedMessage: Locator;
  readonly profiles: Locator;
  readonly newProfileButton: Locator;
  readonly newProfileDialog: Locator;
  readonly checkedActiveRadios: Locator;
  readonly repositories: Locator;
  readonly worktrees: Locator;
  readonly keptWorktrees: Locator;
  readonly removeKeptDialog: Locator;
  readonly removeKeptLostFiles: Locator;
  readonly removeKeptConfirmLoss: Locator;
  readonly removeKeptButton: Locator;

  constructor(
    readonly page: Page,
    readonly app: App,
  ) {
    this.heading = page.getByRole("heading", { level: 1, name: "Settings" });
    this.saveButton = page.getByRole("button", { name: "Save settings" });
    this.savedMessage = page.getByRole("status").filter({ hasText: "Settings saved." });
    this.profiles = page.getByRole("region", { name: "CLI profiles" });
    this.newProfileButton = this.profiles.getByRole("button", { name: "New profile" });
    this.newProfileDialog = page.getByRole("dialog", { name: "New CLI profile" });
    this.checkedActiveRadios = this.profiles.getByRole("radio", { checked: true });
    this.repositories = page.getByRole("region", { name: "Repositories" });
    this.worktrees = page.getByRole("region", { name: "Worktrees" });
    this.keptWorktrees = this.worktrees.getByRole("table", { name: "Kept from deleted tasks" });
    this.removeKeptDialog = page.getByRole("dialog", { name: "Remove this kept worktree?" });
    this.removeKeptLostFiles = this.removeKeptDialog.getByTestId("loss-files");
    this.removeKeptConfirmLoss = this.removeKeptDialog.getByRole("checkbox", { name: /^Throw away/ });
    this.removeKeptButton = this.removeKeptDialog.getByRole("button", { name: "Remove worktree" });
  }

  async goto(): Promise<void> {
    await this.page.goto(`${this.app.baseURL}/settings`);
    await expect(this.heading).toBeVisible();
    await expectShortcutsReady(this.page);
  }

  /** A setting's number input, by its label (e.g. "Scrollback lines"). */
  setting(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  async saveSetting(label: string, value: string): Promise<void> {
    await this.setting(label).fill(value);
    await this.saveButton.click();
  }

  /** Sets and saves "CPU priority of task terminals"; it applies from the next start of a terminal. */
  async setTerminalCpuPriority(priority: "background" | "normal"): Promise<void> {
    await this.setting("CPU priority of task terminals").selectOption(priority);
    await this.saveButton.click();
    await expect(this.savedMessage).toBeVisible();
  }

  profile(name: string): Locator {
    return this.profiles.getByRole("article", { name, exact: true });
  }

  activeRadio(name: string): Locator {
    return this.profiles.getByRole("radio", { name: `Active profile: ${name}`, exact: true });
  }

  async fillProfileForm(scope: Locator, fields: ProfileFields): Promise<void> {
    if (fields.name !== undefined) await scope.getByLabel("Name").fill(fields.name);
    if (fields.kind !== undefined) await scope.getByLabel("Kind").selectOption({ label: fields.kind });
    if (fields.command !== undefined) await scope.getByLabel("Command").fill(fields.command);
    if (fields.args !== undefined) await scope.getByLabel("Arguments").fill(fields.args);
    if (fields.env !== undefined) await scope.getByLabel("Environment").fill(fields.env);
  }

  /** Submits the New profile form; does not wait for the outcome. */
  async submitNewProfile(fields: ProfileFields): Promise<void> {
    await this.newProfileButton.click();
    await expect(this.newProfileDialog).toBeVisible();
    await this.fillProfileForm(this.newProfileDialog, fields);
    await this.newProfileDialog.getByRole("button", { name: "Create profile" }).click();
  }

  async createProfile(fields: ProfileFields & { name: string }): Promise<void> {
    await this.submitNewProfile(fields);
    await expect(this.newProfileDialog).toBeHidden();
    await expect(this.profile(fields.name)).toBeVisible();
  }

  async makeActive(name: string): Promise<void> {
    await this.activeRadio(name).check();
    await expect(this.activeRadio(name)).toBeChecked();
    await expect(this.activeRadio(name)).toBeEnabled();
  }

  /** Opens the delete confirmation of a profile and confirms; returns the dialog (it stays open on failure). */
  async confirmDeleteProfile(name: string): Promise<Locator> {
    await this.profile(name).getByRole("button", { name: "Delete" }).click();
    const dialog = this.page.getByRole("dialog", { name: `Delete ${name}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Delete profile" }).click();
    return dialog;
  }

  /** A known repository's form (by its root), in Settings → Repositories. */
  repository(repoRoot: string): Locator {
    return this.repositories.getByRole("form", { name: repoRoot, exact: true });
  }

  /** Adds a repository's copy list and setup command through "Set up another repository". */
  async addRepository(repoRoot: string, copyFiles: string, setupCommand: string): Promise<void> {
    await this.repositories.getByText("Set up another repository").click();
    const form = this.repositories.getByRole("form", { name: "Another repository" });
    await form.getByLabel("Repository").fill(repoRoot);
    await form.getByLabel("Files to copy into a new worktree").fill(copyFiles);
    await form.getByLabel("Setup command").fill(setupCommand);
    await form.getByRole("button", { name: "Add repository" }).click();
    await expect(this.repository(repoRoot)).toBeVisible();
  }

  /** Saves a known repository's setup command. */
  async saveSetupCommand(repoRoot: string, setupCommand: string): Promise<void> {
    const form = this.repository(repoRoot);
    await form.getByLabel("Setup command").fill(setupCommand);
    await form.getByRole("button", { name: "Save", exact: true }).click();
    await expect(form.getByRole("status")).toHaveText("Saved.");
  }

  /** The row of a task's worktree in Settings → Worktrees. */
  worktreeRow(title: string): Locator {
    return this.worktrees.getByRole("row").filter({ has: this.page.getByRole("link", { name: title, exact: true }) });
  }

  /** The row of a worktree kept from a deleted task, by its path. */
  keptWorktreeRow(worktreePath: string): Locator {
    return this.keptWorktrees.getByRole("row").filter({ has: this.page.getByRole("cell", { name: worktreePath, exact: true }) });
  }

  /** Opens Remove for a kept worktree and waits until git's answer about it is shown. */
  async openRemoveKept(worktreePath: string): Promise<void> {
    await this.keptWorktreeRow(worktreePath).getByRole("button", { name: `Remove ${worktreePath}`, exact: true }).click();
    await expect(this.removeKeptDialog).toBeVisible();
    await expect(this.removeKeptDialog.getByTestId("kept-branch")).toBeVisible();
  }
}
