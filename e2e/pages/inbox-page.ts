import { expect, type Locator, type Page } from "@playwright/test";
import type { App } from "../fixtures/test";
import { expectShortcutsReady } from "./shortcuts";

/** /inbox: the tasks waiting on a person, each with its last lines and replies. */
export class InboxPage {
  readonly heading: Locator;
  readonly list: Locator;
  readonly empty: Locator;

  constructor(
    readonly page: Page,
    readonly app: App,
  ) {
    this.heading = page.getByRole("heading", { level: 1, name: "Inbox" });
    this.list = page.getByRole("list", { name: "Waiting tasks" });
    this.empty = page.getByRole("region", { name: "Nothing waiting" });
  }

  async goto(): Promise<void> {
    await this.page.goto(`${this.app.baseURL}/inbox`);
    await expect(this.heading).toBeVisible();
    await expectShortcutsReady(this.page);
  }

  /** A waiting task's card (toasts are articles too: only the list's count). */
  card(title: string): Locator {
    return this.list.getByRole("article", { name: title, exact: true });
  }

  lastLines(title: string): Locator {
    return this.card(title).getByLabel("Last lines");
  }

  replyField(title: string): Locator {
    return this.card(title).getByRole("textbox", { name: "Reply" });
  }
}
