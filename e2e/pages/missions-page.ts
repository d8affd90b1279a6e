import { expect, type Locator, type Page } from "@playwright/test";
import type { App } from "../fixtures/test";
import { TerminalPanel } from "./terminal-panel";
import { expectShortcutsReady } from "./shortcuts";

/** /missions: the grid of live terminal tiles, the ended list, filters and Stop all. */
export class MissionsPage {
  readonly heading: Locator;
  readonly liveGrid: Locator;
  readonly tiles: Locator;
  readonly ended: Locator;
  readonly emptyState: Locator;
  readonly stopAllButton: Locator;
  readonly stopAllDialog: Locator;
  readonly search: Locator;

  constructor(
    readonly page: Page,
    readonly app: App,
  ) {
    this.heading = page.getByRole("heading", { level: 1, name: "Missions" });
    this.liveGrid = page.getByRole("region", { name: "Live sessions" });
    this.tiles = this.liveGrid.getByRole("article");
    this.ended = page.getByRole("region", { name: "Ended" });
    this.emptyState = page.getByRole("region", { name: "No agents are running" });
    this.stopAllButton = page.getByRole("button", { name: "Stop all", exact: true });
    this.stopAllDialog = page.getByRole("dialog", { name: "Stop all running sessions?" });
    this.search = page.getByRole("searchbox", { name: "Filter missions" });
  }

  async goto(): Promise<void> {
    await this.page.goto(`${this.app.baseURL}/missions`);
    await expect(this.heading).toBeVisible();
    await expectShortcutsReady(this.page);
  }

  tile(title: string): Locator {
    return this.liveGrid.getByRole("article", { name: title, exact: true });
  }

  terminal(title: string): TerminalPanel {
    return new TerminalPanel(this.page, this.tile(title));
  }

  /** A status filter button, e.g. "Running", "Ended" (its name includes the count). */
  filter(label: string): Locator {
    return this.page.getByRole("group", { name: "Show" }).getByRole("button", { name: new RegExp(`^${label}\\b`) });
  }

  endedRow(title: string): Locator {
    return this.ended.getByRole("listitem", { name: title, exact: true });
  }

  async stopAll(): Promise<void> {
    await this.stopAllButton.click();
    await expect(this.stopAllDialog).toBeVisible();
    await this.stopAllDialog.getByRole("button", { name: "Stop all", exact: true }).click();
    await expect(this.stopAllDialog).toBeHidden();
  }
}
