import { expect, type Page } from "@playwright/test";
import { SHORTCUTS_READY_ATTRIBUTE } from "../../src/lib/shortcuts/shortcuts";

/** Resolves once the page listens for its single-key shortcuts: a key pressed earlier is lost. */
export async function expectShortcutsReady(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute(SHORTCUTS_READY_ATTRIBUTE, "ready");
}
