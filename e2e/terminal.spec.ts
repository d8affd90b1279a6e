import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { projectDir } from "./fixtures/project-dirs";
import { expect, test } from "./fixtures/test";
import { BoardPage } from "./pages/board-page";
import { TaskPage } from "./pages/task-page";
import { TerminalPanel } from "./pages/terminal-panel";

async function createShellTask(page: import("@playwright/test").Page, app: import("./fixtures/test").App, title: string) {
  const board = new BoardPage(page, app);
  await board.goto();
  const cwd = projectDir(app, title.toLowerCase().replace(/\W+/g, "-"));
  await board.createTask({ title, cwd, profile: "Shell" });
  await board.openTask(title);
  return { taskPage: new TaskPage(page, app), terminal: new TerminalPanel(page), cwd };
}

test("a shell task runs live: type, watch from a second page, reload, full-screen programs, stop", async ({ page, app, context }) => {
  const { taskPage, terminal, cwd } = await createShellTask(page, app, "Shell session");
  fs.writeFileSync(path.join(cwd, "notes.txt"), "alpha line\nbeta line\n");

  await terminal.start("");
  await expect(taskPage.statusBadge).toHaveText("Running");
  await terminal.type("echo hello-$((6*7))\n");
  await terminal.expectText("hello-42");

  // A second view of the same session: same screen, and typing from it reaches the same PTY.
  const second = await context.newPage();
  const secondPage = new TaskPage(second, app);
  await secondPage.gotoId(taskPage.id());
  const secondTerminal = new TerminalPanel(second);
  await secondTerminal.waitLive();
  await secondTerminal.expectText("hello-42");
  await secondTerminal.type("echo from-second-$((2+3))\n");
  await secondTerminal.expectText("from-second-5");
  await terminal.expectText("from-second-5");

  // Reload: the screen comes back from the server's mirror.
  await page.reload();
  await terminal.waitLive();
  await terminal.expectText("hello-42");
  await terminal.expectText("from-second-5");

  // A full-screen program draws on the alternate screen, in both views.
  await terminal.type("vi -u NONE notes.txt\n");
  await terminal.expectText("beta line");
  await terminal.expectText(/"notes\.txt"/);
  await secondTerminal.expectText("beta line");
  await terminal.type(":q\n");
  await terminal.expectNoText("beta line");
  await terminal.type("echo back-$((40+2))\n");
  await terminal.expectText("back-42");

  await terminal.stopButton.click();
  await expect(terminal.exitInfo).toBeVisible();
  await expect(taskPage.statusBadge).toHaveText("Interrupted");
  await expect(secondPage.statusBadge).toHaveText("Interrupted");
  await expect(terminal.startButton).toBeVisible();
});

test("the session outlives the page and the exit code is shown", async ({ page, app }) => {
  const { taskPage, terminal } = await createShellTask(page, app, "Exit code");
  await terminal.start("");
  await terminal.type("exit 7\n");
  await expect(terminal.exitInfo).toHaveText("Exited with code 7");
  await expect(taskPage.statusBadge).toHaveText("Failed");
  await page.reload();
  await expect(terminal.exitInfo).toHaveText("Exited with code 7");
});

test("a flood larger than the server keeps for a viewer ends on its exact last lines, with no gap before them; Ctrl+C stops another", async ({ page, app }) => {
  const { terminal } = await createShellTask(page, app, "Flood");
  await terminal.start("");
  // ~21 MB, five times the ring the server keeps per session: the page cannot draw it all and
  // jumps to the screen as it is (docs/flow-control.md, "Skimming a flood").
  await terminal.type("seq 1 3000000; echo flood-end-$((6*7))\n");
  await terminal.expectText("flood-end-42");
  await terminal.expectText("3000000");
  // What the terminal holds before the end is the flood's tail, line after line: the last screen
  // the page drew and the output that followed it meet without a gap or a repeat.
  const lines = (await terminal.text.bufferText()).split("\n").map((line) => line.trim());
  const end = lines.lastIndexOf("3000000");
  expect(end).toBeGreaterThan(0);
  const tail = lines.slice(Math.max(0, end - 499), end + 1);
  expect(tail).toEqual(Array.from({ length: tail.length }, (_, i) => String(3000000 - tail.length + 1 + i)));
  expect(lines[end + 1]).toContain("flood-end-42");

  // A flood without end: Ctrl+C reaches it, and the prompt after it takes keys again. The key waits
  // for the program's own output, not the echo of its command line: a Ctrl+C that reaches the shell
  // before it has handed the terminal to `yes` interrupts the shell, and the flood runs on.
  await terminal.type("yes flooding-$((40+2))\n");
  await terminal.expectText("flooding-42");
  await terminal.screen.click();
  await page.keyboard.press("Control+c");
  await terminal.type("echo after-$((2*21))\n");
  await terminal.expectText("after-42");
});

test("a page on another site cannot open a terminal socket", async ({ page, app }) => {
  const { terminal } = await createShellTask(page, app, "Cross origin");
  await terminal.start("");
  const taskId = new TaskPage(page, app).id();
  const socketUrl = `${app.baseURL.replace("http", "ws")}/ws/terminals/${taskId}`;

  // A hostile page served from another origin tries to connect and type.
  const hostile = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>hostile</title><script>
      const ws = new WebSocket(${JSON.stringify(socketUrl)});
      ws.onopen = () => { ws.send(JSON.stringify({ type: "input", data: "echo PWNED\\r" })); document.title = "opened"; };
      ws.onerror = () => { document.title = "refused"; };
    </script>`);
  });
  await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
  try {
    const evil = await page.context().newPage();
    await evil.goto(`http://localhost:${(hostile.address() as AddressInfo).port}/`);
    await expect(evil).toHaveTitle("refused");
    await evil.close();
  } finally {
    hostile.close();
  }

  // The same check from a non-browser client: wrong Origin → HTTP 403, own Origin → accepted.
  const status = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(socketUrl, { origin: "http://evil.example" });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => reject(new Error("cross-origin socket was accepted")));
    ws.on("error", () => undefined);
  });
  expect(status).toBe(403);
  await terminal.type("echo still-$((1+1))\n");
  await terminal.expectText("still-2");
  await terminal.expectNoText("PWNED");
});
