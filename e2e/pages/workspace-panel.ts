import { expect, type Locator, type Page } from "@playwright/test";

/** The Workspace panel of an isolated task's page: branch, base, worktree, health and Repair. */
export class WorkspacePanel {
  readonly region: Locator;
  readonly health: Locator;
  readonly problem: Locator;
  readonly repairButton: Locator;

  constructor(readonly page: Page) {
    this.region = page.getByRole("region", { name: "Workspace", exact: true });
    this.health = this.region.getByTestId("workspace-health");
    this.problem = this.region.getByRole("alert");
    this.repairButton = this.problem.getByRole("button", { name: "Repair" });
  }

  /** A property's value, e.g. "Branch", "Worktree". */
  property(name: "Branch" | "Base" | "Worktree" | "Repository"): Locator {
    return this.region.locator("dt", { hasText: name }).locator("xpath=following-sibling::dd[1]");
  }

  async text(name: "Branch" | "Base" | "Worktree" | "Repository"): Promise<string> {
    await expect(this.property(name)).toBeVisible();
    return (await this.property(name).textContent())?.trim() ?? "";
  }
}
