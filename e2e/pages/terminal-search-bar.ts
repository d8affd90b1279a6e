import { expect, type Locator, type Page } from "@playwright/test";

/** The find bar over a terminal (Ctrl+F): its field, count, toggles and buttons, within a scope. */
export class TerminalSearchBar {
  readonly bar: Locator;
  readonly field: Locator;
  readonly count: Locator;
  readonly matchCase: Locator;
  readonly regex: Locator;
  readonly previous: Locator;
  readonly next: Locator;
  readonly close: Locator;
  readonly error: Locator;

  constructor(
    readonly page: Page,
    scope: Locator,
  ) {
    this.bar = scope.getByRole("search", { name: "Search the terminal" });
    this.field = this.bar.getByRole("textbox", { name: "Find in terminal" });
    this.count = this.bar.getByTestId("terminal-search-count");
    this.matchCase = this.bar.getByRole("button", { name: "Match case" });
    this.regex = this.bar.getByRole("button", { name: "Regular expression" });
    this.previous = this.bar.getByRole("button", { name: "Previous match" });
    this.next = this.bar.getByRole("button", { name: "Next match" });
    this.close = this.bar.getByRole("button", { name: "Close search" });
    this.error = this.bar.getByRole("alert");
  }

  /** Ctrl+F with the keyboard in the terminal (the caller put it there): the bar opens, focused. */
  async open(): Promise<void> {
    await this.page.keyboard.press("Control+f");
    await expect(this.bar).toBeVisible();
    await expect(this.field).toBeFocused();
  }

  /** Replaces the query, typed key by key as a person would (each key searches). */
  async search(query: string): Promise<void> {
    await this.field.focus();
    await this.page.keyboard.press("ControlOrMeta+a");
    await this.page.keyboard.press("Backspace");
    await this.page.keyboard.type(query);
  }
}
