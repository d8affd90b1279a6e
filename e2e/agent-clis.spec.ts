import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { SettingsPage } from "./pages/settings-page";
import { TerminalPanel } from "./pages/terminal-panel";
import { resolveCommand } from "../src/terminal/host/command-resolver";

// The server's PATH is one directory: a stand-in `codex` that prints a version, and links to the
// few programs the server and a Shell task need — not /usr/bin, where this machine may have a
// Gemini CLI or opencode of its own. Written in beforeAll, not at load: Playwright also loads
// this file just to list its tests, and nothing would remove a directory made then.
const bin = path.join(os.tmpdir(), `aim-e2e-clis-${process.pid}`);
const typedPath = bin;
const TOOLS = ["bash", "sh", "git", "sleep", "node"];
// …behind what `npm start` puts in front of it: this project's node_modules/.bin (where the real
// Gemini CLI, Codex and opencode of the tests are), every parent's, and npm's node-gyp wrapper.
const root = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const npmRunBins: string[] = [];
for (let dir = root; ; dir = path.dirname(dir)) {
  npmRunBins.push(path.join(dir, "node_modules", ".bin"));
  if (path.dirname(dir) === dir) break;
}
const npmStartPath = [...npmRunBins, "/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin", typedPath].join(path.delimiter);
// …and what npm adds besides: its node binary and its colour setting.
test.use({ appOptions: { env: { npm_lifecycle_event: "start", PATH: npmStartPath, NODE: process.execPath, COLOR: "0" } } });
test.beforeAll(() => {
  fs.mkdirSync(bin, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(bin, "codex"), '#!/bin/sh\n[ "$1" = "--version" ] && echo "codex-cli 9.8.7"\n', { mode: 0o755 });
  for (const tool of TOOLS) {
    const found = resolveCommand(tool, root, process.env.PATH);
    if (!found) throw new Error(`${tool} is not on PATH`);
    fs.symlinkSync(found, path.join(bin, tool));
  }
});
test.afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

test("Settings shows which agent CLIs are installed, and Use creates and activates a built-in profile", async ({ page, app }) => {
  const settings = new SettingsPage(page, app);
  await settings.goto();
  const clis = page.getByRole("region", { name: "Agent CLIs" });
  const codex = clis.getByTestId("agent-cli-codex");
  await expect(codex.getByTestId("agent-cli-state")).toHaveText("Installed · codex-cli 9.8.7");
  await expect(codex).toContainText(path.join(bin, "codex"));
  // node_modules/.bin has a real `gemini`: npm's part of PATH is not the user's.
  expect(fs.existsSync(path.join(root, "node_modules", ".bin", "gemini"))).toBe(true);
  await expect(clis.getByTestId("agent-cli-gemini").getByTestId("agent-cli-state")).toHaveText("Not found");
  await expect(clis.getByTestId("agent-cli-gemini")).toContainText("npm install -g @google/gemini-cli");
  await expect(clis.getByTestId("agent-cli-claude").getByRole("button", { name: "Claude Code is active" })).toBeDisabled();
  // The CLIs' rows span their panel as the profiles' rows do (no list indent).
  const [cliRow, profileRow] = await Promise.all([codex.boundingBox(), settings.profile("Claude Code").boundingBox()]);
  expect(cliRow?.x).toBe(profileRow?.x);
  expect(cliRow?.width).toBe(profileRow?.width);

  await codex.getByRole("button", { name: "Use Codex CLI" }).click();
  await expect(settings.activeRadio("Codex CLI")).toBeChecked();
  await expect(settings.checkedActiveRadios).toHaveCount(1);
  await expect(settings.profile("Codex CLI")).toContainText("codex -- {prompt}");
  await expect(codex.getByRole("button", { name: "Codex CLI is active" })).toBeDisabled();
});

test("a task terminal gets the PATH npm start was typed with, without AI Manager's own node_modules/.bin or npm's variables", async ({ page, app }) => {
  const board = new BoardPage(page, app);
  await board.goto();
  await board.createTask({ title: "Path check", cwd: projectDir(app, "path-check"), profile: "Shell" });
  await board.openTask("Path check");
  const terminal = new TerminalPanel(page);
  await terminal.start("");
  // Exactly the typed PATH (what `command -v` then finds depends on what this machine installed).
  await terminal.type(`[ "$PATH" = '${typedPath}' ] && echo typed-path-$((6*7)) || echo "other PATH: $PATH"\n`);
  await terminal.expectText("typed-path-42");
  // npm's own variables are not the user's either.
  await terminal.type('echo "npm-env:${NODE-unset}:${COLOR-unset}"\n');
  await terminal.expectText("npm-env:unset:unset");
});
