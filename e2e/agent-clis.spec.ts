import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures/test";
import { SettingsPage } from "./pages/settings-page";

// The server's PATH holds a stand-in `codex` that prints a version, and none of the other CLIs.
// Written in beforeAll, not at load: Playwright also loads this file just to list its tests, and
// nothing would remove a directory made then.
const bin = path.join(os.tmpdir(), `aim-e2e-clis-${process.pid}`);
test.use({ appOptions: { env: { PATH: [bin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter) } } });
test.beforeAll(() => {
  fs.mkdirSync(bin, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(bin, "codex"), '#!/bin/sh\n[ "$1" = "--version" ] && echo "codex-cli 9.8.7"\n', { mode: 0o755 });
});
test.afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

test("Settings shows which agent CLIs are installed, and Use creates and activates a built-in profile", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  const clis = page.getByRole("region", { name: "Agent CLIs" });
  const codex = clis.getByTestId("agent-cli-codex");
  await expect(codex.getByTestId("agent-cli-state")).toHaveText("Installed · codex-cli 9.8.7");
  await expect(codex).toContainText(path.join(bin, "codex"));
  await expect(clis.getByTestId("agent-cli-gemini").getByTestId("agent-cli-state")).toHaveText("Not found");
  await expect(clis.getByTestId("agent-cli-gemini")).toContainText("npm install -g @google/gemini-cli");
  await expect(clis.getByTestId("agent-cli-claude").getByRole("button", { name: "Claude Code is active" })).toBeDisabled();

  await codex.getByRole("button", { name: "Use Codex CLI" }).click();
  await expect(settings.activeRadio("Codex CLI")).toBeChecked();
  await expect(settings.checkedActiveRadios).toHaveCount(1);
  await expect(settings.profile("Codex CLI")).toContainText("codex -- {prompt}");
  await expect(codex.getByRole("button", { name: "Codex CLI is active" })).toBeDisabled();
});
