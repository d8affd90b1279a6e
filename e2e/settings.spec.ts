import { expect, test } from "./fixtures/test";
import { SettingsPage } from "./pages/settings-page";

test("a settings change persists across a server restart", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(page).toHaveTitle("Settings · AI Manager");
  await expect(settings.setting("Scrollback lines")).toHaveValue("10000");

  await settings.saveSetting("Scrollback lines", "5000");
  await expect(settings.savedMessage).toBeVisible();

  // Leave the page first: its background requests to the stopping server would fail, loudly.
  await page.goto("about:blank");
  await app.restart();
  await settings.goto();
  await expect(settings.setting("Scrollback lines")).toHaveValue("5000");
  await expect(settings.setting("Max concurrent executions")).toHaveValue("20");
});

test("an out-of-range setting is refused next to its field and nothing is saved", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();

  await settings.setting("Max concurrent executions").fill("0");
  await settings.setting("Scrollback lines").fill("2000");
  await settings.saveButton.click();
  await expect(settings.setting("Max concurrent executions")).toHaveAccessibleErrorMessage("Must be at least 1");
  await expect(settings.setting("Max concurrent executions")).toHaveValue("0");
  await expect(settings.savedMessage).toHaveCount(0);

  await settings.setting("Scrollback lines").fill("");
  await settings.saveButton.click();
  await expect(settings.setting("Scrollback lines")).toHaveAccessibleErrorMessage("Is required");

  await page.reload();
  await expect(settings.setting("Max concurrent executions")).toHaveValue("20");
  await expect(settings.setting("Scrollback lines")).toHaveValue("10000");
});
