import { expect, test } from "./fixtures/test";
import { SettingsPage } from "./pages/settings-page";

test("profiles can be created, made active (exactly one) and deleted", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  await expect(settings.profile("Claude Code")).toBeVisible();
  await expect(settings.profile("Shell")).toBeVisible();
  await expect(settings.checkedActiveRadios).toHaveCount(1);
  await expect(settings.activeRadio("Claude Code")).toBeChecked();

  await settings.createProfile({
    name: "Codex",
    kind: "Custom CLI",
    command: "codex",
    args: "--full-auto\n{prompt}",
    env: "CODEX_HOME=/tmp/codex\nLOG_LEVEL=info",
  });
  await expect(settings.profile("Codex")).toContainText("codex --full-auto {prompt}");
  await expect(settings.profile("Codex")).toContainText("2 environment variables");

  await settings.makeActive("Codex");
  await expect(settings.checkedActiveRadios).toHaveCount(1);
  await page.reload();
  await expect(settings.activeRadio("Codex")).toBeChecked();
  await expect(settings.checkedActiveRadios).toHaveCount(1);

  // Editing keeps the args and env as typed.
  await settings.profile("Codex").getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Codex" });
  await expect(edit.getByLabel("Arguments")).toHaveValue("--full-auto\n{prompt}");
  await expect(edit.getByLabel("Environment")).toHaveValue("CODEX_HOME=/tmp/codex\nLOG_LEVEL=info");
  await edit.getByLabel("Command").fill("codex-beta");
  await edit.getByRole("button", { name: "Save profile" }).click();
  await expect(edit).toBeHidden();
  await expect(settings.profile("Codex")).toContainText("codex-beta --full-auto {prompt}");

  // Deleting the active profile hands "active" to the oldest remaining one.
  const dialog = await settings.confirmDeleteProfile("Codex");
  await expect(dialog).toBeHidden();
  await expect(settings.profile("Codex")).toHaveCount(0);
  await expect(settings.checkedActiveRadios).toHaveCount(1);
  await expect(settings.activeRadio("Claude Code")).toBeChecked();
});

test("bad profile input is shown at its field, and the last profile cannot be deleted", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();

  await settings.submitNewProfile({ name: "Shell", command: "bash", env: "not a pair" });
  const dialog = settings.newProfileDialog;
  await expect(dialog.getByLabel("Environment")).toHaveAccessibleErrorMessage("Line 1: expected KEY=VALUE");
  await dialog.getByLabel("Environment").fill("");
  await dialog.getByRole("button", { name: "Create profile" }).click();
  await expect(dialog.getByLabel("Name")).toHaveAccessibleErrorMessage('A profile named "Shell" already exists');
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const shellDialog = await settings.confirmDeleteProfile("Shell");
  await expect(shellDialog).toBeHidden();
  await expect(settings.profile("Shell")).toHaveCount(0);

  const lastDialog = await settings.confirmDeleteProfile("Claude Code");
  await expect(lastDialog.getByRole("alert")).toHaveText("The last CLI profile cannot be deleted; create another one first");
  await lastDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(settings.profile("Claude Code")).toBeVisible();
  await expect(settings.activeRadio("Claude Code")).toBeChecked();
});
