import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { readBuffer, sendInput, startTask, waitForExit } from "../helpers/api-calls";
import { commandProfile, makeTask, shellProfile, waitFor } from "../helpers/test-services";

const CAPTURES = path.resolve(__dirname, "../fixtures/terminal-captures");

/** The buffer read: modes, `since` cursors, clean=true, and waiting instead of polling. */
describe("internal API: buffer", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  async function finishedTask(script: string): Promise<string> {
    const task = makeTask(h.services, commandProfile(h.services, `run-${Math.random()}`, "/bin/bash", ["-c", script]));
    await startTask(h, task.id);
    await waitForExit(h, task.id);
    return task.id;
  }

  const numbered = 'for i in $(seq 1 300); do echo "line-$i"; done';
  const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line-${from + i}`).join("\n");

  it("full, head, tail and head-tail, with the persistent-terminal-api fields", async () => {
    const taskId = await finishedTask(numbered);

    const full = (await readBuffer(h, taskId)).body.data;
    expect(full).toMatchObject({ output: lines(1, 300), totalLines: 300, nextReadFrom: 300, hasMore: false, truncated: false, fromLine: 0, toLine: 300 });
    expect(full.stats).toEqual({ totalBytes: expect.any(Number), estimatedTokens: Math.ceil(full.output.length / 4), linesShown: 300, linesOmitted: 0 });
    expect(full.stats.totalBytes).toBeGreaterThan(lines(1, 300).length);

    const capped = (await readBuffer(h, taskId, { mode: "full", maxLines: 100 })).body.data;
    expect(capped).toMatchObject({ output: lines(1, 100), nextReadFrom: 100, hasMore: true, truncated: true });

    const head = (await readBuffer(h, taskId, { mode: "head", headLines: 5 })).body.data;
    expect(head).toMatchObject({ output: lines(1, 5), nextReadFrom: 5, hasMore: true, fromLine: 0, toLine: 5 });
    expect(head.stats).toMatchObject({ linesShown: 5, linesOmitted: 295 });

    const tail = (await readBuffer(h, taskId, { mode: "tail", tailLines: 3 })).body.data;
    expect(tail).toMatchObject({ output: lines(298, 300), nextReadFrom: 300, hasMore: false, fromLine: 297, toLine: 300 });

    const defaultTail = (await readBuffer(h, taskId, { mode: "tail" })).body.data;
    expect(defaultTail.stats.linesShown).toBe(50);

    const headTail = (await readBuffer(h, taskId, { mode: "head-tail", headLines: 2, tailLines: 2 })).body.data;
    expect(headTail.output).toBe(`${lines(1, 2)}\n... [296 lines omitted] ...\n${lines(299, 300)}`);
    expect(headTail.stats).toMatchObject({ linesShown: 4, linesOmitted: 296 });
  });

  it("since reads incrementally, and nothing after the end is an empty read pointing at the end", async () => {
    const taskId = await finishedTask(numbered);
    const part = (await readBuffer(h, taskId, { since: 295 })).body.data;
    expect(part).toMatchObject({ output: lines(296, 300), fromLine: 295, toLine: 300, nextReadFrom: 300 });
    const none = (await readBuffer(h, taskId, { since: 300 })).body.data;
    expect(none).toMatchObject({ output: "", nextReadFrom: 300, hasMore: false, stats: { linesShown: 0 } });
    // A reading loop sees every line exactly once.
    let since = 0;
    const seen: string[] = [];
    for (;;) {
      const chunk = (await readBuffer(h, taskId, { mode: "full", maxLines: 70, since })).body.data;
      if (chunk.stats.linesShown === 0) break;
      seen.push(...chunk.output.split("\n"));
      since = chunk.nextReadFrom;
    }
    expect(seen.join("\n")).toBe(lines(1, 300));
  });

  it("line numbers stay absolute when the ring (terminal.scrollbackLines) drops old lines", async () => {
    h.services.settings.update({ "terminal.scrollbackLines": 100 });
    const taskId = await finishedTask('for i in $(seq 1 500); do echo "line-$i"; done');
    const fromStart = (await readBuffer(h, taskId, { since: 0 })).body.data;
    expect(fromStart).toMatchObject({ totalLines: 500, firstLine: 400, fromLine: 400, toLine: 500, truncated: true, nextReadFrom: 500 });
    expect(fromStart.output).toBe(lines(401, 500));
    const later = (await readBuffer(h, taskId, { since: 450 })).body.data;
    expect(later).toMatchObject({ output: lines(451, 500), truncated: false, fromLine: 450 });
    const tail = (await readBuffer(h, taskId, { mode: "tail", tailLines: 2 })).body.data;
    expect(tail).toMatchObject({ output: lines(499, 500), fromLine: 498 });
  });

  it.each(["curl-progress-bar.ansi", "curl-progress-meter.ansi", "npm-install.ansi"])(
    "clean=true on the real %s capture cuts estimated tokens by at least 70 %",
    async (file) => {
      const taskId = await finishedTask(`cat '${path.join(CAPTURES, file)}'`);
      const raw = (await readBuffer(h, taskId)).body.data;
      const clean = (await readBuffer(h, taskId, { clean: true })).body.data;
      expect(clean.stats.linesShown).toBe(raw.stats.linesShown);
      expect(clean.stats.estimatedTokens).toBeLessThanOrEqual(raw.stats.estimatedTokens * 0.3);
      expect(clean.output).not.toMatch(/[\x1b\r\b]/);
      // The whole capture went through the PTY (which adds a \r before each \n).
      expect(raw.stats.totalBytes).toBeGreaterThanOrEqual(fs.statSync(path.join(CAPTURES, file)).size);
    },
  );

  describe("waitFor", () => {
    it("exit: answers when the process ends, with its exit code", async () => {
      const task = makeTask(h.services, commandProfile(h.services, "late", "/bin/bash", ["-c", "sleep 0.3; echo bye; exit 4"]));
      await startTask(h, task.id);
      const res = await readBuffer(h, task.id, { waitFor: "exit", timeoutMs: 10_000, clean: true });
      expect(res.body.data).toMatchObject({ running: false, exitCode: 4, wait: { condition: "exit", satisfied: true, reason: "exit" } });
      expect(res.body.data.output).toContain("bye");
      // Already exited: at once.
      const again = (await readBuffer(h, task.id, { waitFor: "exit", timeoutMs: 10_000 })).body.data.wait;
      // "At once" is the reason: an exit that happened before the call can only be read from state
      // (no exit event is left to wait for), and a wait that had waited would say "timeout".
      expect(again).toMatchObject({ satisfied: true, reason: "exit" });
    });

    it("idle: holds while output keeps coming, answers once it has been quiet for idleMs", async () => {
      // The ticks start only after the wait is open (they wait for our input) and take at least
      // 30 × 0.1 s = 3 s by the shell's own sleeps — longer than idleMs — with gaps far shorter than
      // idleMs. So an answer holding the last tick and LAST proves the wait held while output kept
      // coming and ended only after the last output, whatever the machine's speed.
      const script = 'read -r _; for i in $(seq 1 30); do echo "tick-$i"; sleep 0.1; done; echo LAST; sleep 30';
      const task = makeTask(h.services, commandProfile(h.services, "ticker", "/bin/bash", ["-c", script]));
      await startTask(h, task.id);
      const waiting = readBuffer(h, task.id, { waitFor: "idle", idleMs: 2_000, timeoutMs: 45_000, clean: true });
      await waitFor(() => h.dispatcher.openWaits === 1, 5_000, "the wait to be registered");
      await sendInput(h, task.id, "go");
      const { wait, output, running } = (await waiting).body.data;
      expect(wait).toMatchObject({ condition: "idle", satisfied: true, reason: "idle" });
      expect(running).toBe(true);
      const printed = (output as string).split("\n").filter((line) => line !== "go");
      expect(printed).toEqual([...Array.from({ length: 30 }, (_, i) => `tick-${i + 1}`), "LAST"]);
    });

    it("pattern: answers when the regex appears in new output, not in what was there before", async () => {
      const task = makeTask(h.services, shellProfile(h.services), "shell");
      await startTask(h, task.id, { prompt: "echo OLD-MARK" });
      expect((await readBuffer(h, task.id, { waitFor: "pattern", pattern: "^OLD-MARK$", flags: "m", since: 0, timeoutMs: 10_000 })).body.data.wait.satisfied).toBe(true);
      // Already printed before this call: only new output counts, so this times out.
      const old = (await readBuffer(h, task.id, { waitFor: "pattern", pattern: "^OLD-MARK$", flags: "m", timeoutMs: 300 })).body.data.wait;
      expect(old).toMatchObject({ satisfied: false, reason: "timeout" });

      const waiting = readBuffer(h, task.id, { waitFor: "pattern", pattern: "DONE-(\\d+)", timeoutMs: 15_000, mode: "tail", tailLines: 3, clean: true });
      await waitFor(() => h.dispatcher.openWaits === 1, 5_000, "the wait to be registered");
      await sendInput(h, task.id, "echo DONE-$((40+2))");
      const res = (await waiting).body.data;
      expect(res.wait).toMatchObject({ condition: "pattern", satisfied: true, reason: "pattern", match: "DONE-42" });
      expect(res.output).toContain("DONE-42");
    });

    it("pattern: an exit without a match says so; a timeout says so", async () => {
      const task = makeTask(h.services, commandProfile(h.services, "short", "/bin/bash", ["-c", "sleep 0.3; echo nothing-here"]));
      await startTask(h, task.id);
      const exit = (await readBuffer(h, task.id, { waitFor: "pattern", pattern: "never", timeoutMs: 10_000 })).body.data.wait;
      expect(exit).toMatchObject({ satisfied: false, reason: "exit" });

      const sleeper = makeTask(h.services, commandProfile(h.services, "sleeper", "/bin/sleep", ["30"]));
      await startTask(h, sleeper.id);
      const timeout = (await readBuffer(h, sleeper.id, { waitFor: "idle", idleMs: 5_000, timeoutMs: 200 })).body.data.wait;
      expect(timeout).toMatchObject({ condition: "idle", satisfied: false, reason: "timeout" });
    });

    it("a client that disconnects mid-wait frees its waiter", async () => {
      const task = makeTask(h.services, commandProfile(h.services, "sleeper", "/bin/sleep", ["30"]));
      await startTask(h, task.id);
      const controller = new AbortController();
      const pending = readBuffer(h, task.id, { waitFor: "exit", timeoutMs: 50_000 }, { signal: controller.signal }).catch((error: Error) => error);
      await waitFor(() => h.dispatcher.openWaits === 1, 5_000, "the wait to be registered");
      controller.abort();
      expect(await pending).toBeInstanceOf(Error);
      await waitFor(() => h.dispatcher.openWaits === 0, 5_000, "the waiter to be freed");
    });
  });
});
