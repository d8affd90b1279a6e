import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../../src/lib/errors";
import type { OutputReadQuery, OutputReadResult } from "../../src/terminal/host/output-log";
import type { HostedSession } from "../../src/terminal/server/hosted-sessions";
import type { Task } from "../../src/server/db/schema";
import type { Services } from "../../src/server/services";
import { currentPosition, visibleText, waitForTerminal, type WaitOutcome } from "./buffer-wait";
import { findErrorLines, omittedRange } from "./error-lines";
import type { ApiContext, ApiHandler, ApiResult } from "./context";
import { formatBytes, INPUT_BODY_LIMIT, SMALL_BODY_LIMIT, TASK_BODY_LIMIT } from "./request-body";
import type { Router } from "./router";
import { registerSearchRoutes } from "./terminal-search";
import { echoOf, PASTE_ENTER_DELAY_MS, planInput } from "./terminal-input";
import {
  bufferQuerySchema,
  emptyQuerySchema,
  inputBodySchema,
  type InputMode,
  MAX_INPUT_BYTES,
  resizeBodySchema,
  snapshotQuerySchema,
  startBodySchema,
  stopBodySchema,
} from "./terminal-schemas";
import { parseInput, parseTaskId, queryObject } from "./validate";
import { executionView, terminalStatusView, type TerminalBufferView, type TerminalInputView, type TerminalSnapshotView } from "./views";

/** `/api/internal/terminal/<taskId>/…`: drive and read a task's PTY session. */
export function registerTerminalRoutes(router: Router<ApiHandler>): void {
  const base = "/api/internal/terminal/:taskId";
  router
    .add("POST", `${base}/start`, start, { bodyLimit: TASK_BODY_LIMIT })
    .add("POST", `${base}/stop`, stop, { bodyLimit: SMALL_BODY_LIMIT })
    .add("POST", `${base}/resize`, resize, { bodyLimit: SMALL_BODY_LIMIT })
    .add("POST", `${base}/input`, input, { bodyLimit: INPUT_BODY_LIMIT })
    .add("GET", `${base}/buffer`, buffer)
    .add("GET", `${base}/snapshot`, snapshot)
    .add("GET", `${base}/status`, status);
  registerSearchRoutes(router);
}

async function start(ctx: ApiContext): Promise<ApiResult> {
  const taskId = parseTaskId(ctx.params.taskId);
  const body = parseInput(startBodySchema, (await ctx.body()) ?? {}, "body");
  const execution = await ctx.services.terminals.start(taskId, body);
  return { status: 201, data: executionView(execution) };
}

async function stop(ctx: ApiContext): Promise<ApiResult> {
  const task = taskOf(ctx);
  const body = parseInput(stopBodySchema, (await ctx.body()) ?? {}, "body");
  const execution = await ctx.services.terminals.stop(task.id, body.signal);
  return { data: executionView(execution) };
}

async function resize(ctx: ApiContext): Promise<ApiResult> {
  const task = taskOf(ctx);
  const body = parseInput(resizeBodySchema, (await ctx.body()) ?? {}, "body");
  const session = runningSession(ctx.services, task);
  session.resize(body.cols, body.rows);
  return { data: session.size };
}

/**
 * Types into the terminal and, with a wait, answers with what the input caused: the line position
 * is taken just before the write (`readFrom`), the wait's pattern scan starts there, and the
 * answer reads from there, so output that comes before the wait begins is not missed.
 */
async function input(ctx: ApiContext): Promise<ApiResult | undefined> {
  const task = taskOf(ctx);
  const body = parseInput(inputBodySchema, await ctx.body(), "body");
  const bytes = Buffer.byteLength(body.input, "utf8");
  if (bytes > MAX_INPUT_BYTES) {
    throw new AppError("payload_too_large:input", `input is ${formatBytes(bytes)}; at most ${formatBytes(MAX_INPUT_BYTES)} is accepted per call.`);
  }
  if (body.input.length === 0 && body.mode !== "line") {
    throw new AppError("bad_request:body", `input: must not be empty in ${body.mode} mode (an empty line mode input sends Enter)`);
  }
  const session = runningSession(ctx.services, task);
  // Taken before anything is written: a refused wait (429) must not leave the input typed.
  const release = body.wait ? ctx.waits.acquire() : undefined;
  try {
    const origin = await currentPosition((query) => session.readLog(query));
    if (body.wait?.condition === "prompt" && visibleText(origin.prefix).trim() === "") {
      throw new AppError(
        "conflict:prompt",
        "waitFor=prompt needs a prompt on the terminal's last line when the input is sent, and the last line is empty (is the previous command still running?). Nothing was sent; use waitFor=idle or pattern, or wait for the prompt first.",
      );
    }
    const written = await writeInput(session, body.input, body.mode);
    if (!body.wait) {
      const exit = session.exit;
      const data: TerminalInputView = { mode: body.mode, bytesWritten: written, running: session.running, readFrom: origin.from, exitCode: exit?.exitCode ?? null, signal: exit?.signal ?? null };
      return { data };
    }
    const echo = body.mode === "raw" ? undefined : echoOf(body.input);
    const wait = await waitForTerminal(session, { ...body.wait, origin: { ...origin, echo } }, ctx.signal, ctx.patterns);
    if (!wait) return undefined; // the client went away (the input was typed all the same)
    const query = { ...body.read, since: origin.from };
    const { running, exitCode, signal, ...read } = await readBuffer(session, query);
    const omitted = omittedRange(read, query, origin.from);
    const errorLines = omitted ? await findErrorLines((q) => session.readLog(q), omitted.from, omitted.to) : { lines: [], total: 0 };
    const data: TerminalInputView = { mode: body.mode, bytesWritten: written, running, readFrom: origin.from, exitCode, signal, wait, output: { ...read, omitted: omitted ?? null, errorLines } };
    return { data };
  } finally {
    release?.();
  }
}

/** Writes the planned bytes; returns how many went in. */
async function writeInput(session: HostedSession, text: string, mode: InputMode): Promise<number> {
  const plan = planInput(text, mode);
  session.write(plan.first);
  let written = Buffer.byteLength(plan.first, "utf8");
  if (plan.then !== undefined) {
    // The Enter goes in even if the caller hangs up: the paste it completes has already been sent.
    await delay(PASTE_ENTER_DELAY_MS);
    if (session.running) {
      session.write(plan.then);
      written += Buffer.byteLength(plan.then, "utf8");
    }
  }
  return written;
}

async function buffer(ctx: ApiContext): Promise<ApiResult | undefined> {
  const task = taskOf(ctx);
  const query = parseInput(bufferQuerySchema, queryObject(ctx.query), "query");
  const session = sessionFor(ctx.services, task, query.executionId);
  if (!session) {
    // The run is over and its session gone: answer from its recording, with the same semantics.
    const { execution, result } = await ctx.services.history.readBuffer(task.id, query.read, query.executionId);
    const wait: WaitOutcome | undefined = query.wait
      ? { condition: query.wait.condition, satisfied: query.wait.condition !== "pattern", reason: "exit", waitedMs: 0 }
      : undefined;
    const data: TerminalBufferView = {
      ...bufferView(result, query.read),
      running: false,
      exitCode: execution.exitCode,
      signal: execution.signal,
      source: "recording",
      executionId: execution.id,
      ...(wait ? { wait } : {}),
    };
    return { data };
  }
  let wait: WaitOutcome | undefined;
  if (query.wait) {
    const release = ctx.waits.acquire();
    try {
      wait = await waitForTerminal(session, query.wait, ctx.signal, ctx.patterns);
    } finally {
      release();
    }
    if (!wait) return undefined; // the client went away
  }
  const data: TerminalBufferView = { ...(await readBuffer(session, query.read)), source: "live", executionId: session.executionId, ...(wait ? { wait } : {}) };
  return { data };
}

async function snapshot(ctx: ApiContext): Promise<ApiResult> {
  const task = taskOf(ctx);
  const query = parseInput(snapshotQuerySchema, queryObject(ctx.query), "query");
  const options = { nLines: query.n_lines, contextLines: query.context_lines };
  const session = sessionFor(ctx.services, task, query.executionId);
  if (!session) {
    const { execution, snapshot: shot } = await ctx.services.history.snapshot(task.id, query.view_mode, options, query.executionId);
    const data: TerminalSnapshotView = { ...shot, running: false, source: "recording", executionId: execution.id };
    return { data };
  }
  const shot = await session.snapshot(query.view_mode, options);
  const data: TerminalSnapshotView = { ...shot, running: session.running, source: "live", executionId: session.executionId };
  return { data };
}

async function status(ctx: ApiContext): Promise<ApiResult> {
  const task = taskOf(ctx);
  parseInput(emptyQuerySchema, queryObject(ctx.query), "query");
  const session = ctx.services.sessions.get(task.id);
  const execution = session ? ctx.services.executions.find(session.executionId) : ctx.services.executions.latestForTask(task.id);
  // A host that just went away cannot be asked: the run's row is then the status (its end is being recorded).
  const stats = session ? await session.stats().catch(() => undefined) : undefined;
  const live = session && stats ? { session, stats } : undefined;
  // Current to this moment: what the transcript appended since the last timed read is read now.
  if (execution) await ctx.services.costs.refresh(execution.id);
  const usage = execution ? ctx.services.costs.usageOf(execution.id) : null;
  return { data: terminalStatusView(task, live, execution, usage) };
}

/**
 * A read of the output log plus where the shown lines sit: `fromLine`/`toLine` (half-open,
 * absolute line numbers) and the session's run state, so a reader knows whether more can come.
 */
async function readBuffer(session: HostedSession, query: OutputReadQuery) {
  const read = await session.readLog(query);
  const exit = session.exit;
  return {
    ...bufferView(read, query),
    running: session.running,
    exitCode: exit?.exitCode ?? null,
    signal: exit?.signal ?? null,
  };
}

function bufferView(read: OutputReadResult, query: OutputReadQuery) {
  const shown = read.stats.linesShown;
  const start = Math.max(query.since ?? 0, read.firstLine);
  // In tail and head-tail reads the last line shown is the last line there is.
  const end = read.totalLines + (read.endsWithPartialLine ? 1 : 0);
  let fromLine = start;
  let toLine = start + shown;
  if (shown === 0) fromLine = toLine = read.nextReadFrom;
  else if (query.mode === "tail") [fromLine, toLine] = [end - shown, end];
  else if (query.mode === "head-tail") toLine = end;
  return { ...read, fromLine, toLine };
}

function taskOf(ctx: ApiContext): Task {
  return ctx.services.tasks.get(parseTaskId(ctx.params.taskId));
}

/** The task's session, running or exited but not yet reaped. */
function liveSession(services: Services, task: Task): HostedSession {
  const session = services.sessions.get(task.id);
  if (!session) {
    throw new AppError(
      "not_found:session",
      `Task ${task.id} has no live terminal session: it was never started here, or its session ended and was cleaned up. Its status is still available.`,
    );
  }
  return session;
}

/**
 * The live session to read, or undefined to read from the recordings: when the task has no session
 * any more, or the caller asked for a past run other than the live one.
 */
function sessionFor(services: Services, task: Task, executionId: string | undefined): HostedSession | undefined {
  const session = services.sessions.get(task.id);
  if (!session) return undefined;
  if (executionId !== undefined && executionId !== session.executionId) return undefined;
  return session;
}

function runningSession(services: Services, task: Task): HostedSession {
  const session = liveSession(services, task);
  if (!session.running) {
    throw new AppError("conflict:session", `Task ${task.id}'s terminal is not running (its process exited); start it again first.`);
  }
  return session;
}
