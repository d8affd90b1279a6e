import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assistantLines, jsonl, userLine } from "../../../test/helpers/claude-transcript";
import type { AppEvent } from "../events/app-events";
import { ExecutionService } from "../executions/execution-service";
import { createLogger } from "../logger";
import { createTestApp, makeDir, type TestApp } from "../testing/test-app";
import type { Execution } from "../db/schema";
import { CostService } from "./cost-service";
import { UsageStore } from "./usage-store";

const T0 = new Date("2026-12-01T10:00:00.000Z");
const later = (s: number) => new Date(T0.getTime() + s * 1000);
const SONNET = "claude-sonnet-4-5-20250929";

/** Real SQLite (real migrations), real files; the timer is left out (a long poll) so each read is the test's. */
describe("CostService", () => {
  let app: TestApp;
  let executions: ExecutionService;
  let costs: CostService;
  let execution: Execution;
  let transcript: string;
  let events: AppEvent[];

  function services(current: TestApp, limits?: { maxBytes: number; maxLineBytes: number }): void {
    executions = new ExecutionService(current.database.db, current.events);
    costs = new CostService({ db: current.database.db, events: current.events, logger: createLogger("silent"), pollMs: 3_600_000, readLimits: limits });
    current.events.onEvent((event) => events.push(event));
  }

  beforeEach(() => {
    app = createTestApp();
    events = [];
    services(app);
    const profile = app.profiles.list()[0]!;
    const task = app.tasks.create({ title: "costs", cwd: makeDir(app, "p"), prompt: "", profileId: profile.id });
    execution = executions.create(executions.newId(), { taskId: task.id, profile, commandLine: "claude", cwd: task.cwd, callbackSecretHash: "h", startedAt: T0 });
    transcript = path.join(app.dir, "claude", "projects", "-p", "5f0c2a8e.jsonl");
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
  });

  afterEach(() => {
    costs.close();
    app.dispose();
  });

  const usage = () => costs.usageOf(execution.id);
  const offset = () => new UsageStore(app.database.db).rowsOf(execution.id).find((r) => r.transcriptPath === transcript)?.readOffset;

  it("leaves a partly written last line for the next read, then counts it once complete", async () => {
    const first = jsonl([userLine("go", later(1)), ...assistantLines({ id: "msg_1", model: SONNET, usage: { input: 10, output: 20 }, at: later(2) })]);
    const [second] = assistantLines({ id: "msg_2", model: SONNET, usage: { input: 1, output: 2 }, at: later(3) });
    fs.writeFileSync(transcript, first + second!.slice(0, 40));
    expect(costs.noteTranscript(execution, transcript)).toBe(true);
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 10, output: 20, messages: 1 });
    expect(offset()).toBe(Buffer.byteLength(first));

    fs.appendFileSync(transcript, `${second!.slice(40)}\n`);
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 11, output: 22, messages: 2 });
    expect(events.filter((e) => e.type === "execution.usage").at(-1)).toMatchObject({ executionId: execution.id, taskId: execution.taskId });
  });

  it("reads only what was appended, and a response split across two reads counts once", async () => {
    const lines = assistantLines({ id: "msg_s", model: SONNET, usage: { input: 5, output: 0, cacheRead: 1000 }, at: later(1), blocks: ["thinking", "text", "tool_use"], outputPerLine: [3, 30, 60] });
    fs.writeFileSync(transcript, jsonl(lines.slice(0, 1)));
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ output: 3, messages: 1 });
    fs.appendFileSync(transcript, jsonl(lines.slice(1)));
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 5, output: 60, cacheRead: 1000, messages: 1 });
    expect(offset()).toBe(fs.statSync(transcript).size);
  });

  it("survives a restart: counts and offset are in SQLite, nothing is counted twice", async () => {
    fs.writeFileSync(transcript, jsonl(assistantLines({ id: "msg_r", model: SONNET, usage: { input: 7, output: 8 }, at: later(1), blocks: ["text", "tool_use"] })));
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    costs.close();
    app = app.reopen();
    services(app);
    costs.resume();
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 7, output: 8, messages: 1 });
    fs.appendFileSync(transcript, jsonl(assistantLines({ id: "msg_r2", model: SONNET, usage: { input: 1, output: 1 }, at: later(2) })));
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 8, output: 9, messages: 2 });
  });

  it("after a restart, a run that ended while no server was there gets its last lines read", async () => {
    fs.writeFileSync(transcript, jsonl(assistantLines({ id: "msg_w1", model: SONNET, usage: { input: 1, output: 1 }, at: later(1) })));
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    costs.close();
    fs.appendFileSync(transcript, jsonl(assistantLines({ id: "msg_w2", model: SONNET, usage: { input: 2, output: 2 }, at: later(2) })));
    app = app.reopen();
    events = [];
    executions = new ExecutionService(app.database.db, app.events);
    executions.markEnded(execution.id, { status: "succeeded", exitCode: 0, signal: null, endedAt: new Date(Date.now() + 1_000) });
    services(app);
    costs.resume();
    await expect.poll(() => usage()?.messages).toBe(2);
    expect(usage()).toMatchObject({ input: 3, output: 3 });
  });

  it("bounds each read and skips over-long lines without holding them", async () => {
    services(app, { maxBytes: 4096, maxLineBytes: 2048 });
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      lines.push(userLine(`tool output ${"x".repeat(i % 5 === 0 ? 10_000 : 10)}`, later(i)));
      lines.push(...assistantLines({ id: `msg_b${i}`, model: SONNET, usage: { input: 1, output: 1 }, at: later(i) }));
    }
    fs.writeFileSync(transcript, jsonl(lines));
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    const afterOne = offset()!;
    expect(afterOne).toBeGreaterThan(0);
    expect(afterOne).toBeLessThan(fs.statSync(transcript).size);
    for (let i = 0; i < 50 && offset()! < fs.statSync(transcript).size; i++) await costs.refresh(execution.id);
    expect(offset()).toBe(fs.statSync(transcript).size);
    expect(usage()).toMatchObject({ input: 20, output: 20, messages: 20 });
  });

  it("counts the session's subagent transcripts, and recounts a transcript that was replaced", async () => {
    fs.writeFileSync(transcript, jsonl(assistantLines({ id: "msg_m", model: SONNET, usage: { input: 100, output: 100 }, at: later(1) })));
    const subagents = path.join(transcript.slice(0, -".jsonl".length), "subagents");
    fs.mkdirSync(subagents, { recursive: true });
    fs.writeFileSync(path.join(subagents, "agent-a1b2.jsonl"), jsonl(assistantLines({ id: "msg_sub", model: "claude-haiku-4-5-20251001", usage: { input: 10, output: 10 }, at: later(2) })));
    fs.writeFileSync(path.join(subagents, "notes.txt"), "not a transcript");
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 110, output: 110, messages: 2 });
    expect(usage()!.models.map((m) => m.model).sort()).toEqual(["claude-haiku-4-5-20251001", SONNET]);

    fs.writeFileSync(transcript, jsonl(assistantLines({ id: "msg_n", model: SONNET, usage: { input: 1, output: 1 }, at: later(3) })));
    await costs.refresh(execution.id);
    await costs.refresh(execution.id);
    expect(usage()).toMatchObject({ input: 11, output: 11, messages: 2 });
  });

  it("a path that is not a regular file (a FIFO, a directory, nothing yet) reads as no usage, without hanging", async () => {
    const fifo = path.join(app.dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    const dir = path.join(app.dir, "dir.jsonl");
    fs.mkdirSync(dir);
    for (const file of [fifo, dir, path.join(app.dir, "later.jsonl")]) costs.noteTranscript(execution, file);
    await costs.refresh(execution.id);
    expect(usage()).toBeNull(); // nothing counted: no figure rather than "0 tokens"
  });

  it("reads once more when the run ends, then stops", async () => {
    fs.writeFileSync(transcript, "");
    costs.noteTranscript(execution, transcript);
    await costs.refresh(execution.id);
    fs.appendFileSync(transcript, jsonl(assistantLines({ id: "msg_e", model: SONNET, usage: { input: 2, output: 3 }, at: later(1) })));
    const seen = new Promise<AppEvent>((resolve) => app.events.onEvent((e) => e.type === "execution.usage" && resolve(e)));
    executions.markEnded(execution.id, { status: "succeeded", exitCode: 0, signal: null, endedAt: later(9) });
    expect(await seen).toMatchObject({ type: "execution.usage", usage: { input: 2, output: 3, costUsd: expect.any(Number) } });
  });
});
