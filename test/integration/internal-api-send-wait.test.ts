import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure, readBuffer, startTask, terminalPath } from "../helpers/api-calls";
import { commandProfile, makeTask, shellProfile, waitFor } from "../helpers/test-services";

/**
 * Send and wait in one call (`POST …/input` with `waitFor`), on real PTYs: the answer carries the
 * output the input caused, read from the position taken just before the write.
 */
describe("internal API: send and wait", () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  const send = (taskId: string, body: Record<string, unknown>) => h.request("POST", terminalPath(taskId, "input"), { body });

  /** A bash with a fixed `$ ` prompt, started and at its prompt. */
  async function shell(): Promise<string> {
    const task = makeTask(h.services, shellProfile(h.services), "shell");
    await startTask(h, task.id);
    const ready = await readBuffer(h, task.id, { waitFor: "pattern", pattern: "^\\$\\s*$", since: 0, timeoutMs: 10_000 });
    expect(ready.body.data.wait.satisfied, ready.text).toBe(true);
    return task.id;
  }

  async function command(script: string): Promise<string> {
    const task = makeTask(h.services, commandProfile(h.services, `cmd-${Math.random()}`, "/bin/bash", ["-c", script]));
    await startTask(h, task.id);
    return task.id;
  }

  it("fast output: `seq 1 20000; echo DONE-MARK` and a pattern wait find the marker in one call", async () => {
    const taskId = await shell();
    const res = await send(taskId, { input: "seq 1 20000; echo DONE-MARK", waitFor: "pattern", pattern: "DONE-MARK$", timeoutMs: 20_000 });
    expect(res.status, res.text).toBe(200);
    const data = res.body.data;
    expect(data.wait).toMatchObject({ condition: "pattern", satisfied: true, reason: "pattern", match: "DONE-MARK" });
    expect(data).toMatchObject({ mode: "line", running: true, exitCode: null });
    // The default read: head-tail, cleaned; the tail ends with the marker (and maybe the next prompt).
    const out = data.output;
    expect(out.output).not.toMatch(/\x1b/);
    expect(out.output).toMatch(/\.\.\. \[\d+ lines omitted\] \.\.\./);
    expect(out.output).toMatch(/^19999\n20000\nDONE-MARK(\n\$)?$/m);
    expect(out.stats.linesShown).toBeLessThanOrEqual(20);
    // Where the left-out lines are, to read them with since: between the 5 head and the 15 tail lines.
    expect(out.omitted).toEqual({ from: out.fromLine + 5, to: out.toLine - 15 });
    expect(out.omitted.to - out.omitted.from).toBe(out.stats.linesOmitted);
    expect(out.errorLines).toEqual({ lines: [], total: 0 });
    // 20 000 lines overflow the 10 000-line ring: the read says the start was dropped.
    expect(out).toMatchObject({ truncated: true });
    expect(out.firstLine).toBeGreaterThan(data.readFrom);
  });

  it("the typed command's echo is not taken for its output, and earlier output is not new", async () => {
    const taskId = await shell();
    const first = await send(taskId, { input: "echo OLD-MARK", waitFor: "pattern", pattern: "^OLD-MARK$" });
    expect(first.body.data.wait.satisfied, first.text).toBe(true);
    // The echo "read -r _; echo LATE-MARK" holds LATE-MARK, and OLD-MARK is above readFrom: neither counts.
    const waiting = await send(taskId, { input: "read -r _; echo LATE-MARK OLD-MARK", waitFor: "pattern", pattern: "LATE-MARK|^OLD-MARK$", timeoutMs: 500 });
    expect(waiting.body.data.wait).toMatchObject({ satisfied: false, reason: "timeout" });
    // The answer still holds what came: the command line, typed at the prompt.
    expect(waiting.body.data.output.output).toContain("$ read -r _; echo LATE-MARK OLD-MARK");
    const done = await send(taskId, { input: "go", waitFor: "pattern", pattern: "^LATE-MARK" });
    expect(done.body.data.wait).toMatchObject({ satisfied: true, match: "LATE-MARK" });
    expect(done.body.data.output.output).toMatch(/^go\nLATE-MARK OLD-MARK$/m);
  });

  it("slow output: the wait holds until the pattern, and the answer has every line in order", async () => {
    const taskId = await shell();
    const res = await send(taskId, {
      input: 'for i in 1 2 3 4; do sleep 0.2; echo "slow-$i"; done; echo SLOW-DONE',
      waitFor: "pattern",
      pattern: "^SLOW-DONE$",
      timeoutMs: 20_000,
    });
    const data = res.body.data;
    expect(data.wait).toMatchObject({ satisfied: true, reason: "pattern" });
    const printed = (data.output.output as string).split("\n").filter((line) => /^slow-|^SLOW-DONE$/.test(line));
    expect(printed).toEqual(["slow-1", "slow-2", "slow-3", "slow-4", "SLOW-DONE"]);
  });

  it("exit: the answer carries the output and the exit code", async () => {
    const taskId = await command('read -r x; echo "got-$x"; exit 3');
    const res = await send(taskId, { input: "abc", waitFor: "exit", timeoutMs: 20_000 });
    expect(res.body.data).toMatchObject({ running: false, exitCode: 3, wait: { condition: "exit", satisfied: true, reason: "exit" } });
    expect(res.body.data.output.output).toContain("got-abc");
  });

  it("exit status of a shell command in one call: echo $? and wait for it", async () => {
    const taskId = await shell();
    const res = await send(taskId, { input: 'ls /nonexistent-dir-for-test; echo "exit=$?"', waitFor: "pattern", pattern: "^exit=\\d+$" });
    expect(res.body.data.wait).toMatchObject({ satisfied: true, match: "exit=2" });
    expect(res.body.data.output.output).toMatch(/No such file or directory\nexit=2/);
  });

  it("prompt: answers when the shell's prompt is back, also when the prompt shows a directory that changed", async () => {
    const taskId = await shell();
    const res = await send(taskId, { input: 'sleep 0.3; echo "exit=$?"', waitFor: "prompt", timeoutMs: 20_000 });
    expect(res.body.data.wait).toMatchObject({ condition: "prompt", satisfied: true, reason: "prompt" });
    expect(res.body.data.output.output).toMatch(/^exit=0\n\$$/m);
    // A prompt with the working directory: `cd` changes it, the "> " that ends it does not.
    const ps1 = await send(taskId, { input: "PS1='\\w> '; cd /tmp", waitFor: "idle", idleMs: 300 });
    expect(ps1.body.data.output.output).toMatch(/^\/tmp>$/m);
    const cd = await send(taskId, { input: "cd / && echo moved", waitFor: "prompt", timeoutMs: 20_000 });
    expect(cd.body.data.wait).toMatchObject({ satisfied: true, reason: "prompt" });
    expect(cd.body.data.output.output).toMatch(/^moved\n\/>$/m);
    // The prompt does not come back when the shell exits.
    const exited = await send(taskId, { input: "exit 5", waitFor: "prompt", timeoutMs: 20_000 });
    expect(exited.body.data).toMatchObject({ running: false, exitCode: 5, wait: { condition: "prompt", satisfied: false, reason: "exit" } });
  });

  it("prompt: refused with 409 before anything is typed when no prompt is showing", async () => {
    const taskId = await command('read -r _; echo "got it"; sleep 60');
    const before = (await readBuffer(h, taskId, { mode: "tail", tailLines: 0 })).body.data.totalBytes;
    expectFailure(await send(taskId, { input: "x", waitFor: "prompt" }), 409, "conflict:prompt", /waitFor=prompt needs a prompt/);
    expect((await readBuffer(h, taskId, { mode: "tail", tailLines: 0 })).body.data.totalBytes).toBe(before);
  });

  it("a client that disconnects mid-wait frees its waiter; the input stays typed", async () => {
    const taskId = await shell();
    const controller = new AbortController();
    const pending = h
      .request("POST", terminalPath(taskId, "input"), { body: { input: "echo TYPED-$((1+1)); read -r _", waitFor: "pattern", pattern: "never", timeoutMs: 50_000 }, signal: controller.signal })
      .catch((error: Error) => error);
    await waitFor(() => h.dispatcher.openWaits === 1, 5_000, "the wait to be registered");
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => h.dispatcher.openWaits === 0, 5_000, "the waiter to be freed");
    const typed = await readBuffer(h, taskId, { since: 0, waitFor: "pattern", pattern: "^TYPED-2$", timeoutMs: 10_000 });
    expect(typed.body.data.wait.satisfied).toBe(true);
  });

  it("timeout: the answer says so and still returns what came", async () => {
    const taskId = await command('read -r _; while true; do echo tick; sleep 0.05; done');
    const res = await send(taskId, { input: "", waitFor: "idle", idleMs: 30_000, timeoutMs: 600, read: { mode: "tail", tailLines: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.wait).toMatchObject({ condition: "idle", satisfied: false, reason: "timeout" });
    expect(res.body.data.running).toBe(true);
    // Whatever the machine's speed: the loop prints at once, long before the wait ends.
    expect(res.body.data.output.output).toMatch(/tick$/);
    expect(res.body.data.output.stats.linesShown).toBeLessThanOrEqual(3);
  });

  it("output printed between the write and the start of the wait is found", async () => {
    // A paste is written, then Enter 150 ms later, and only then does the wait begin. This program
    // prints its marker on the paste's first bytes (the `~` of ESC[200~), before the Enter.
    const taskId = await command('stty -echo; echo READY-TO-READ; IFS= read -r -d "~" _; echo EARLY-MARK; read -r _; sleep 60');
    // Typed only once echo is off: a paste echoed before `stty` ran would put the marker mid-line.
    const ready = await readBuffer(h, taskId, { waitFor: "pattern", pattern: "^READY-TO-READ$", since: 0, timeoutMs: 10_000 });
    expect(ready.body.data.wait, ready.text).toMatchObject({ satisfied: true });
    const res = await send(taskId, { input: "hello", mode: "paste", waitFor: "pattern", pattern: "^EARLY-MARK$", timeoutMs: 20_000 });
    expect(res.body.data.wait).toMatchObject({ satisfied: true, reason: "pattern", match: "EARLY-MARK" });
    expect(res.body.data.output.output).toContain("EARLY-MARK");
  });

  it("error lines in the omitted middle are kept with their line numbers", async () => {
    const taskId = await shell();
    const script = 'for i in $(seq 1 400); do echo "line-$i"; if [ $i = 150 ]; then echo "Traceback (most recent call last):"; echo "ValueError: bad $i"; fi; done; echo ALL-DONE';
    const res = await send(taskId, { input: script, waitFor: "pattern", pattern: "^ALL-DONE$", timeoutMs: 20_000 });
    const out = res.body.data.output;
    // Only the command line (echoed) holds the words; the printed lines are in the omitted middle.
    expect(out.output).not.toMatch(/^(ValueError|Traceback)/m);
    expect(out.errorLines.total).toBe(2);
    expect(out.errorLines.lines.map((e: { text: string }) => e.text)).toEqual(["Traceback (most recent call last):", "ValueError: bad 150"]);
    // The numbers are the buffer's own: reading there shows the same line.
    const at = out.errorLines.lines[1].line as number;
    const line = (await readBuffer(h, taskId, { mode: "full", since: at, maxLines: 1, clean: true })).body.data.output;
    expect(line).toBe("ValueError: bad 150");
  });

  it("without a wait: readFrom is where the output the input caused starts", async () => {
    const taskId = await shell();
    const res = await send(taskId, { input: "echo NO-WAIT-$((6*7))" });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(["bytesWritten", "exitCode", "mode", "readFrom", "running", "signal"]);
    const readFrom = res.body.data.readFrom as number;
    const later = await readBuffer(h, taskId, { since: readFrom, waitFor: "pattern", pattern: "^NO-WAIT-42$", clean: true });
    expect(later.body.data.wait.satisfied).toBe(true);
    expect(later.body.data.fromLine).toBe(readFrom);
    expect(later.body.data.output).toMatch(/^\$ echo NO-WAIT-\$\(\(6\*7\)\)\nNO-WAIT-42/);
  });

  it("bad wait arguments are refused with 400 naming the field, and nothing is typed", async () => {
    const taskId = await shell();
    const before = (await readBuffer(h, taskId, { mode: "tail", tailLines: 0 })).body.data.totalBytes;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ input: "x", waitFor: "soon" }, /^waitFor: must be one of idle, exit, pattern, prompt/],
      [{ input: "x", waitFor: "pattern" }, /^pattern: is required with waitFor=pattern/],
      [{ input: "x", waitFor: "pattern", pattern: "(" }, /^pattern: is not a valid regular expression/],
      [{ input: "x", waitFor: "pattern", pattern: "a", flags: "g" }, /^flags: may only hold/],
      [{ input: "x", pattern: "a" }, /^pattern: only applies with waitFor=pattern/],
      [{ input: "x", waitFor: "idle", timeoutMs: 60_000 }, /^timeoutMs: must be at most 50000/],
      [{ input: "x", waitFor: "exit", idleMs: 100 }, /^idleMs: only applies with waitFor=idle/],
      [{ input: "x", timeoutMs: 100 }, /^timeoutMs: only applies with waitFor=idle\|exit\|pattern\|prompt/],
      [{ input: "x", read: { mode: "tail" } }, /^read: only applies with waitFor/],
      [{ input: "x", waitFor: "idle", read: { mode: "sideways" } }, /^read\.mode: must be one of/],
      [{ input: "x", waitFor: "idle", read: { tailLines: -1 } }, /^read\.tailLines: must be at least 0/],
      [{ input: "x", waitFor: "idle", read: { colour: true } }, /^read: Unrecognized key/],
      [{ input: "x", waitFor: "idle", idleMs: "100" }, /^idleMs: must be a number/],
      [{ input: "x", waitFor: "idle", idleMs: 1.5 }, /^idleMs: must be a whole number/],
      [{ input: "x", waitFor: "idle", read: null }, /^read: /],
      [{ input: "x", waitFor: "idle", read: { clean: "yes" } }, /^read\.clean: must be true or false/],
      [{ input: "x", waitFor: "pattern", pattern: "a", flags: "mm" }, /^flags: may only hold/],
      [{ input: "x", waitFor: "pattern", pattern: ["a"] }, /^pattern: must be text/],
    ];
    for (const [body, message] of cases) expectFailure(await send(taskId, body), 400, "bad_request:body", message);
    const after = (await readBuffer(h, taskId, { mode: "tail", tailLines: 0 })).body.data.totalBytes;
    expect(after).toBe(before);
  });
});
