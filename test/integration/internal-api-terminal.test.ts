import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure, readBuffer, sendInput, startTask, terminalPath, waitForExit } from "../helpers/api-calls";
import { commandProfile, makeTask, shellProfile, waitFor } from "../helpers/test-services";

/** Start, stop, resize, input in its three modes, snapshot and status — on real PTYs, over HTTP. */
describe("internal API: task terminals", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  /** Reads from `since` until `pattern` shows up in the cleaned output (one waiting call). */
  async function waitForText(taskId: string, pattern: string, since: number, flags?: string): Promise<any> {
    const res = await readBuffer(h, taskId, { waitFor: "pattern", pattern, flags, since, clean: true, timeoutMs: 15_000 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.wait, `waiting for /${pattern}/ in:\n${res.body.data.output}`).toMatchObject({ satisfied: true, reason: "pattern" });
    return res.body.data;
  }

  async function lineCount(taskId: string): Promise<number> {
    return (await readBuffer(h, taskId, { mode: "tail", tailLines: 1 })).body.data.totalLines;
  }

  it("start → 201 with the execution (no secrets), a second start → 409, status while running", async () => {
    const task = makeTask(h.services, commandProfile(h.services, "sleeper", "/bin/sleep", ["30"]));
    const execution = await startTask(h, task.id, { cols: 90, rows: 30 });
    expect(execution).toMatchObject({ id: expect.any(String), taskId: task.id, status: "running", pid: expect.any(Number), commandLine: "/bin/sleep 30" });
    expect(execution).not.toHaveProperty("callbackSecretHash");
    expect(JSON.stringify(execution)).not.toMatch(/secret/i);

    expectFailure(await h.request("POST", terminalPath(task.id, "start"), { body: {} }), 409, "conflict:session", /already running/);

    const status = await h.request("GET", terminalPath(task.id, "status"));
    expect(status.body.data).toMatchObject({
      taskId: task.id,
      taskStatus: "running",
      live: true,
      running: true,
      pid: execution.pid,
      exitCode: null,
      signal: null,
      endedAt: null,
      viewers: 0,
      size: { cols: 90, rows: 30 },
      executionId: execution.id,
      executionStatus: "running",
      agentStatus: null,
    });
    expect(Date.parse(status.body.data.startedAt)).not.toBeNaN();
  });

  it("start at the concurrency limit → 429 naming the limit", async () => {
    h.services.settings.update({ "system.maxConcurrentExecutions": 1 });
    const profile = commandProfile(h.services, "sleeper", "/bin/sleep", ["30"]);
    await startTask(h, makeTask(h.services, profile, "one").id);
    const second = makeTask(h.services, profile, "two");
    expectFailure(await h.request("POST", terminalPath(second.id, "start"), { body: {} }), 429, "limit:executions", /maxConcurrentExecutions is 1/);
  });

  it("input in line mode runs a shell command; raw \\x03 interrupts; resize reaches the program", async () => {
    const task = makeTask(h.services, shellProfile(h.services), "shell");
    await startTask(h, task.id, { prompt: "" });
    await waitForText(task.id, "\\$\\s*$", 0);

    let since = await lineCount(task.id);
    expect((await sendInput(h, task.id, "echo SUM=$((2+3))")).body.data).toMatchObject({ mode: "line", bytesWritten: 18, running: true });
    expect((await waitForText(task.id, "SUM=\\d+", since)).output).toContain("SUM=5");

    since = await lineCount(task.id);
    // The interrupt waits for the program's own output, not the echo of its command line: a \x03
    // that reaches the shell before it has handed the terminal to the program interrupts the shell.
    await sendInput(h, task.id, "sh -c 'echo SLEEPING-$((1+1)); exec sleep 100'; echo NOT-INTERRUPTED\n");
    await waitForText(task.id, "^SLEEPING-2$", since, "m");
    const beforeInterrupt = await lineCount(task.id);
    await sendInput(h, task.id, "\u0003", "raw");
    // Like a person, wait for the shell's fresh prompt before typing on.
    await waitForText(task.id, "^\\$\\s*$", beforeInterrupt, "m");
    await sendInput(h, task.id, "echo AFTER-$((6*7))");
    const after = await waitForText(task.id, "^AFTER-42$", since, "m");
    expect(after.output).not.toMatch(/^NOT-INTERRUPTED$/m);

    const resized = await h.request("POST", terminalPath(task.id, "resize"), { body: { cols: 100, rows: 40 } });
    expect(resized.body).toEqual({ success: true, data: { cols: 100, rows: 40 } });
    since = await lineCount(task.id);
    await sendInput(h, task.id, "stty size");
    await waitForText(task.id, "^40 100$", since, "m");
  });

  it("paste mode sends a bracketed paste, then Enter on its own", async () => {
    // In raw mode `cat -v` shows each byte it gets: ESC as ^[, Enter as ^M.
    const task = makeTask(h.services, commandProfile(h.services, "catv", "/bin/bash", ["-c", "stty raw -echo; echo READY; cat -v"]));
    await startTask(h, task.id);
    await waitForText(task.id, "READY", 0);
    const sent = await sendInput(h, task.id, "fix the tests\n", "paste");
    expect(sent.body.data).toMatchObject({ mode: "paste", bytesWritten: "\u001b[200~fix the tests\u001b[201~\r".length });
    await waitForText(task.id, "\\^\\[\\[200~fix the tests\\^\\[\\[201~\\^M", 0);
  });

  it("stop → 200 with the stopped execution; afterwards 409 for stop, input and resize, while reads still work", async () => {
    const task = makeTask(h.services, commandProfile(h.services, "printer", "/bin/bash", ["-c", "echo HELLO-FROM-RUN; sleep 60"]));
    const execution = await startTask(h, task.id);
    await waitForText(task.id, "HELLO-FROM-RUN", 0);
    const stopped = await h.request("POST", terminalPath(task.id, "stop"), { body: { signal: "SIGTERM" } });
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.data).toMatchObject({ id: execution.id, status: "stopped" });

    expectFailure(await h.request("POST", terminalPath(task.id, "stop"), { body: {} }), 409, "conflict:session");
    expectFailure(await sendInput(h, task.id, "echo hi"), 409, "conflict:session", /not running/);
    expectFailure(await h.request("POST", terminalPath(task.id, "resize"), { body: { cols: 80, rows: 24 } }), 409, "conflict:session");

    const buffer = await readBuffer(h, task.id, { clean: true });
    expect(buffer.body.data).toMatchObject({ running: false, signal: expect.any(String) });
    expect(buffer.body.data.output).toContain("HELLO-FROM-RUN");
    const snapshot = await h.request("GET", terminalPath(task.id, "snapshot", { view_mode: "last_line" }));
    expect(snapshot.body.data).toMatchObject({ lines: ["HELLO-FROM-RUN"], running: false });
    const status = await h.request("GET", terminalPath(task.id, "status"));
    expect(status.body.data).toMatchObject({ live: true, running: false, executionStatus: "stopped", taskStatus: "interrupted" });
    expect(status.body.data.endedAt).not.toBeNull();
  });

  it("after the session is reaped, status answers from the execution row and reads from the recording", async () => {
    h.services.settings.update({ "terminal.keepaliveExitedMs": 1_000 });
    const task = makeTask(h.services, commandProfile(h.services, "quick", "/bin/bash", ["-c", "echo bye; exit 3"]));
    const execution = await startTask(h, task.id);
    await waitForExit(h, task.id);
    await waitFor(() => !h.services.sessions.get(task.id), 10_000, "reap");
    const status = await h.request("GET", terminalPath(task.id, "status"));
    expect(status.body.data).toMatchObject({
      live: false,
      running: false,
      exitCode: 3,
      executionId: execution.id,
      executionStatus: "failed",
      taskStatus: "failed",
      lastOutputAt: null,
      size: null,
    });
    const buffer = await readBuffer(h, task.id);
    expect(buffer.status).toBe(200);
    expect(buffer.body.data).toMatchObject({ output: "bye", running: false, exitCode: 3, source: "recording", executionId: execution.id });
    const snapshot = await h.request("GET", `${terminalPath(task.id, "snapshot")}?view_mode=last_line`);
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.data).toMatchObject({ lines: ["bye"], running: false, source: "recording" });
    // A run that is not this task's is refused, not guessed.
    expectFailure(await h.request("GET", `${terminalPath(task.id, "buffer")}?executionId=not-a-run`), 404, "not_found:execution");
  });

  it("status of a task never started", async () => {
    const task = makeTask(h.services, commandProfile(h.services, "idle", "/bin/true", []));
    const status = await h.request("GET", terminalPath(task.id, "status"));
    expect(status.body.data).toMatchObject({ taskStatus: "todo", live: false, running: false, executionId: null, pid: null });
  });

  it("snapshot shows a full-screen program (less) as a person sees it, in every view mode", async () => {
    const file = path.join(h.services.dataDir, "numbers.txt");
    fs.writeFileSync(file, Array.from({ length: 200 }, (_, i) => `row ${i + 1}`).join("\n"));
    const task = makeTask(h.services, commandProfile(h.services, "less", "/usr/bin/less", [file]));
    await startTask(h, task.id, { cols: 80, rows: 24 });
    const settled = await readBuffer(h, task.id, { waitFor: "pattern", pattern: "row 23", timeoutMs: 15_000, clean: true });
    expect(settled.body.data.wait.satisfied).toBe(true);

    const full = (await h.request("GET", terminalPath(task.id, "snapshot"))).body.data;
    expect(full).toMatchObject({ viewMode: "full", alternateScreen: true, size: { cols: 80, rows: 24 }, startRow: 0, running: true });
    expect(full.lines).toHaveLength(24);
    expect(full.lines.slice(0, 23)).toEqual(Array.from({ length: 23 }, (_, i) => `row ${i + 1}`));
    expect(full.cursor.row).toBe(23);

    const lastLine = (await h.request("GET", terminalPath(task.id, "snapshot", { view_mode: "last_line" }))).body.data;
    expect(lastLine.lines).toHaveLength(1);
    expect(lastLine.startRow).toBeLessThanOrEqual(23);
    const lastN = (await h.request("GET", terminalPath(task.id, "snapshot", { view_mode: "last_n_lines", n_lines: 3 }))).body.data;
    expect(lastN.lines.slice(0, 2)).toEqual(["row 22", "row 23"]);
    const area = (await h.request("GET", terminalPath(task.id, "snapshot", { view_mode: "cursor_area", context_lines: 2 }))).body.data;
    expect(area).toMatchObject({ startRow: 21, lines: expect.arrayContaining(["row 22", "row 23"]) });
    expect(area.lines).toHaveLength(3);

    await sendInput(h, task.id, "q", "raw");
    await waitForExit(h, task.id);
    const after = (await h.request("GET", terminalPath(task.id, "snapshot"))).body.data;
    expect(after).toMatchObject({ alternateScreen: false, running: false });
  });
});
