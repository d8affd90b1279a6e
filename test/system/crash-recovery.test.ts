import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllAppProcesses, startApp, until, type AppProcess } from "../helpers/app-process";
import { isAlive } from "../../src/terminal/host/process-tree";
import { firstGap, numberedLines, readCastFile } from "../helpers/cast-file";
import { aliveAmong, killAll, sessionMembers } from "../helpers/procs";
import { createScriptProfile, runTerminalsAtNormalPriority } from "../helpers/server-actions";
import { writeFakeClaudeBin } from "../fixtures/fake-claude-bin";

/**
 * kill -9 of the real server and of its terminal host together (a crash that takes both, e.g. the
 * OOM killer or a power cut) in the middle of heavy output, then a restart on the same data dir.
 * (kill -9 of the server alone loses nothing: test/system/terminal-host.test.ts.)
 *
 * The printer writes numbered, timestamped lines (`line <n> <epoch-ms>`) at a steady ~25,000
 * lines (~700 KB) per second — fast, but within what the server reads without pausing the PTY,
 * so a line's timestamp is when it entered the terminal. The recording must hold lines 1, 2, 3…
 * with no gap, and hold every line the server had reported before the kill once the recorder had
 * flushed it by itself (output still pouring in). How far the file may lag behind the output
 * (FLUSH_INTERVAL_MS) is checked on a fake clock in asciicast-writer.test.ts; here the lag is only
 * printed, since a wall-clock limit across a kill on a loaded machine measures the machine.
 */
/** "Heavy output": the kill lands only after this many lines went through the server. */
const LINES_BEFORE_KILL = 40_000;
const SESSION_ID = "crash-session-42";

const PRINTER = `exec "${process.execPath}" -e '
let n = 0;
const tick = () => {
  let s = "";
  for (let i = 0; i < 25; i++) s += "line " + ++n + " " + Date.now() + "\\n";
  process.stdout.write(s);
  setTimeout(tick, 1);
};
tick();'`;

describe("crash recovery: kill -9 during heavy output, then restart", () => {
  let app: AppProcess;
  let fakeBin: string;
  const leftovers = new Set<number>();

  beforeAll(async () => {
    fakeBin = writeFakeClaudeBin(SESSION_ID);
    app = await startApp({ env: { PATH: `${fakeBin}:${process.env.PATH}` } });
    await createScriptProfile(app);
    // The fake Claude starts four Node processes (itself, a hook, the MCP server, its report).
    await runTerminalsAtNormalPriority(app);
  });

  afterAll(async () => {
    killAll(leftovers);
    await app?.dispose();
    killAllAppProcesses();
    fs.rmSync(fakeBin, { recursive: true, force: true });
  });

  it("keeps a gap-free recording up to the last flush, marks the runs interrupted and answers from the recording", async () => {
    const create = async (title: string, profile: string, prompt: string) => {
      const res = await app.api("POST", "/api/internal/tasks", { title, cwd: os.tmpdir(), profile, prompt });
      expect(res.status, res.text).toBe(201);
      return res.body.data.id as string;
    };
    const start = async (taskId: string) => {
      const res = await app.api("POST", `/api/internal/terminal/${taskId}/start`, {});
      expect(res.status, res.text).toBe(201);
      return res.body.data as { id: string; pid: number };
    };
    const status = async (taskId: string) => {
      const res = await app.api("GET", `/api/internal/terminal/${taskId}/status`);
      expect(res.status, res.text).toBe(200);
      return res.body.data;
    };

    const claudeTask = await create("claude run", "Claude Code", "fix the bug");
    const claudeRun = await start(claudeTask);
    await until(async () => (await status(claudeTask)).agentSessionId === SESSION_ID, 30_000, "the fake Claude to report its session id");

    const printerTask = await create("printer", "script", PRINTER);
    const printerRun = await start(printerTask);
    const sessions = [printerRun.pid, claudeRun.pid];
    await until(async () => (await status(printerTask)).totalLines >= LINES_BEFORE_KILL, 60_000, `${LINES_BEFORE_KILL} printed lines`);
    const before = await status(printerTask);
    expect(before.running).toBe(true);
    for (const sid of sessions) for (const pid of sessionMembers(sid)) leftovers.add(pid);

    // The newest complete line the server had when we asked, then the recorder's own flush of it.
    const seen = await app.api("GET", `/api/internal/terminal/${printerTask}/buffer?mode=tail&tailLines=3`);
    const reported = Math.max(...[...(seen.body.data.output as string).matchAll(/^line (\d+) \d+$/gm)].map((m) => Number(m[1])));
    expect(reported).toBeGreaterThan(0);
    const castFile = path.join(app.dataDir, "recordings", `${printerRun.id}.cast`);
    await until(() => (numberedLines(readCastFile(castFile).output, "line").at(-1)?.n ?? 0) >= reported, 30_000, `line ${reported} in the recording`);

    const hostPid = app.hostPid();
    expect(hostPid, "the terminal host's pid file").toBeDefined();
    expect(await app.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    process.kill(hostPid!, "SIGKILL");
    await until(() => !isAlive(hostPid!), 10_000, "the terminal host to be gone");
    // The host (which writes the recording) is gone from here on.
    const killedAt = Date.now();

    // The recording: parseable (a half-written last line tolerated), lines 1..N without a gap,
    // holding at least every line the recorder had flushed before the kill.
    const cast = readCastFile(castFile);
    expect(cast.header).toMatchObject({ version: 2, width: expect.any(Number), height: expect.any(Number) });
    expect(cast.badLines).toEqual([]);
    const lines = numberedLines(cast.output, "line");
    expect(lines.length).toBeGreaterThan(LINES_BEFORE_KILL / 2);
    expect(firstGap(lines), "first line out of sequence").toBe(-1);
    const last = lines.at(-1)!;
    const lagMs = killedAt - last.at;
    console.info(
      `crash-recovery: recording holds lines 1..${last.n} (${lines.length} lines, ${cast.events.length} events` +
        `${cast.halfWrittenLastLine ? ", last line half-written" : ""}); last line printed ${lagMs} ms before the kill`,
    );
    expect(last.n).toBeGreaterThanOrEqual(reported);

    // What happened to the task processes: the PTY master closed with the server, so the kernel
    // hung up their terminal. Observed, then cleaned up whatever is left.
    const survivors = await until(
      () => {
        const alive = aliveAmong(leftovers);
        return alive.length === 0 ? [] : undefined;
      },
      3_000,
      "task processes to die with their terminal",
    ).catch(() => aliveAmong(leftovers));
    console.info(`crash-recovery: task processes alive 3 s after the kill: ${survivors.length === 0 ? "none" : survivors.join(", ")}`);
    killAll(survivors);

    await app.restart();

    // Both runs were live: now interrupted, with when; their tasks too.
    const printerAfter = await status(printerTask);
    expect(printerAfter).toMatchObject({ live: false, running: false, executionId: printerRun.id, executionStatus: "interrupted", taskStatus: "interrupted" });
    // It ended when it was last seen alive — its recording's last event — not at the restart.
    const lastEvent = cast.events.filter(([, code]) => code === "o").at(-1)!;
    const printedInLastEvent = numberedLines(lastEvent[2], "line")[0]!;
    const endedAt = Date.parse(printerAfter.endedAt);
    expect(endedAt).toBeGreaterThanOrEqual(printedInLastEvent.at);
    expect(endedAt).toBeLessThanOrEqual(killedAt);
    const claudeAfter = await status(claudeTask);
    expect(claudeAfter).toMatchObject({ executionId: claudeRun.id, executionStatus: "interrupted", taskStatus: "interrupted", agentSessionId: SESSION_ID });
    expect(claudeAfter.endedAt).not.toBeNull();
    const tasks = await app.api("GET", "/api/internal/tasks?status=interrupted");
    expect(tasks.body.data.map((t: { id: string }) => t.id).sort()).toEqual([printerTask, claudeTask].sort());

    // Buffer and snapshot answer from the recording, with the recording's line numbers.
    const tail = await app.api("GET", `/api/internal/terminal/${printerTask}/buffer?mode=tail&tailLines=3`);
    expect(tail.status, tail.text).toBe(200);
    expect(tail.body.data).toMatchObject({ source: "recording", executionId: printerRun.id, running: false });
    expect(tail.body.data.totalLines).toBeGreaterThanOrEqual(last.n);
    expect(tail.body.data.output).toContain(`line ${last.n} `);
    // The replay keeps the same bounded ring as a live session: the oldest lines kept are numbered as printed.
    const head = await app.api("GET", `/api/internal/terminal/${printerTask}/buffer?mode=head&headLines=2`);
    const firstKept = head.body.data.firstLine as number;
    expect(head.body.data.output).toMatch(new RegExp(`^line ${firstKept + 1} \\d+\\r?\\nline ${firstKept + 2} \\d+`));
    const snapshot = await app.api("GET", `/api/internal/terminal/${printerTask}/snapshot?view_mode=last_line`);
    expect(snapshot.status, snapshot.text).toBe(200);
    expect(snapshot.body.data).toMatchObject({ source: "recording", executionId: printerRun.id, running: false });
    expect(snapshot.body.data.lines.join("\n")).toMatch(/line \d+ \d+/);

    // The Claude task keeps its session id for Resume (the task page's Resume: e2e/crash-recovery.spec.ts).
    const claudeBuffer = await app.api("GET", `/api/internal/terminal/${claudeTask}/buffer?mode=full`);
    expect(claudeBuffer.body.data).toMatchObject({ source: "recording" });
    expect(claudeBuffer.body.data.output).toContain("WAITING-FOR-KILL");
  });
});
