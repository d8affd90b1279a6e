import { expect, type Locator, type Page } from "@playwright/test";

/** The task page's Changes tab: changed files, their diffs, review comments and landing. */
export class ChangesTab {
  readonly tab: Locator;
  readonly terminalTab: Locator;
  readonly panel: Locator;
  readonly files: Locator;
  readonly summary: Locator;
  readonly refreshButton: Locator;
  readonly comments: Locator;
  readonly sendButton: Locator;
  readonly landing: Locator;
  readonly commitMessage: Locator;
  readonly commitButton: Locator;
  readonly strategy: Locator;
  readonly mergeResult: Locator;
  readonly mergeRefusal: Locator;

  constructor(readonly page: Page) {
    this.tab = page.getByRole("tab", { name: /^Changes/ });
    this.terminalTab = page.getByRole("tab", { name: "Terminal" });
    this.panel = page.getByTestId("changes-panel");
    this.files = this.panel.getByRole("list", { name: "Changed files" });
    this.summary = this.panel.getByTestId("changes-summary");
    this.refreshButton = this.panel.getByRole("button", { name: /^Refresh/ });
    this.comments = this.panel.getByRole("region", { name: "Review comments" });
    this.sendButton = this.comments.getByRole("button", { name: "Send to agent" });
    this.landing = this.panel.getByRole("region", { name: "Land the changes" });
    this.commitMessage = this.landing.getByLabel("Commit message");
    this.commitButton = this.landing.getByRole("button", { name: "Commit", exact: true });
    this.strategy = this.landing.getByLabel("Merge strategy");
    this.mergeResult = this.landing.getByTestId("merge-result");
    this.mergeRefusal = this.landing.getByTestId("merge-refusal");
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.panel).toBeVisible();
  }

  /**
   * Back to the Terminal tab, with the terminal focused: a click that lands while the panel is
   * being shown again can miss xterm, and keys typed then would reach the page's shortcuts.
   */
  async showTerminal(): Promise<void> {
    await this.terminalTab.click();
    await expect(this.panel).toBeHidden();
    const screen = this.page.getByRole("region", { name: "Terminal" }).getByTestId("terminal-screen");
    await expect(async () => {
      await screen.click();
      await expect(screen.locator(".xterm-helper-textarea")).toBeFocused({ timeout: 1000 });
    }).toPass();
  }

  fileRow(path: string): Locator {
    return this.files.locator(`li[data-path="${path}"]`);
  }

  /** A file's marker: committed, uncommitted or untracked. */
  marker(path: string, name: "committed" | "uncommitted" | "untracked"): Locator {
    return this.fileRow(path).locator(`[data-marker="${name}"]`);
  }

  /** A file's diff card; its diff is open when small (or after `openDiff`). */
  diff(path: string): Locator {
    return this.panel.locator(`section[data-testid="file-diff"][data-path="${path}"]`);
  }

  async openDiff(path: string): Promise<void> {
    const toggle = this.diff(path).getByRole("button", { name: /^Open diff/ });
    if (await toggle.isVisible()) await toggle.click();
    await expect(this.diff(path).getByTestId("diff-view")).toBeVisible();
  }

  /** Comments on the diff line that shows `lineText`: hover it, press the library's "+", write, add. */
  async comment(path: string, lineText: string, text: string): Promise<void> {
    const row = this.diff(path).locator("tr[data-line]", { hasText: lineText }).first();
    await row.hover();
    await row.locator(".diff-add-widget").click();
    const form = this.diff(path).getByRole("form", { name: new RegExp(`^Comment on ${escape(path)}:`) });
    await form.getByLabel("Comment").fill(text);
    await form.getByRole("button", { name: "Add comment" }).click();
    await expect(form).toBeHidden();
  }

  async commit(message: string): Promise<void> {
    await this.commitMessage.fill(message);
    await this.commitButton.click();
    await expect(this.landing.getByRole("status").filter({ hasText: "Committed" })).toBeVisible();
  }

  async merge(strategy: "Fast-forward" | "Merge commit" | "Squash", base: string): Promise<void> {
    await this.strategy.selectOption({ label: strategy });
    await this.landing.getByRole("button", { name: `Merge into ${base}` }).click();
    await expect(this.mergeResult.or(this.mergeRefusal)).toBeVisible();
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
