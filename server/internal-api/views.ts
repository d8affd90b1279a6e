import type { OutputReadResult } from "../../src/terminal/host/output-log";
import type { SessionStats } from "../../src/terminal/contract/host-protocol";
import type { HostedSession } from "../../src/terminal/server/hosted-sessions";
import type { ScreenSnapshot } from "../../src/terminal/host/screen-mirror";
import type { Execution, Task } from "../../src/server/db/schema";
import type { RunUsage } from "../../src/lib/format/run-usage";
import type { WaitOutcome } from "./buffer-wait";
import type { ErrorLines } from "./error-lines";
import type { InputMode } from "./terminal-schemas";

/** What the API shows of rows and sessions: JSON-friendly, and never a secret's hash. */

export type ExecutionView = Omit<Execution, "callbackSecretHash" | "startedAt" | "endedAt"> & {
  startedAt: string;
  endedAt: string | null;
};

export function executionView(execution: Execution): ExecutionView {
  const { callbackSecretHash: _hidden, startedAt, endedAt, ...rest } = execution;
  return { ...rest, startedAt: startedAt.toISOString(), endedAt: endedAt?.toISOString() ?? null };
}

export interface TerminalStatusView {
  taskId: string;
  taskStatus: Task["status"];
  taskStatusMessage: string | null;
  /** A session (running or exited, not yet reaped) is in memory: buffer and snapshot can be read. */
  live: boolean;
  running: boolean;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  startedAt: string | null;
  endedAt: string | null;
  lastOutputAt: string | null;
  viewers: number;
  size: { cols: number; rows: number } | null;
  totalLines: number | null;
  totalBytes: number | null;
  executionId: string | null;
  executionStatus: Execution["status"] | null;
  profileName: string | null;
  commandLine: string | null;
  agentStatus: Execution["agentStatus"] | null;
  agentMessage: string | null;
  agentSessionId: string | null;
  /** Tokens and cost of the run, from its agent's transcript (Claude Code runs); null when none was reported. */
  usage: RunUsage | null;
}

/**
 * The terminal's status from its live session when there is one, else from the latest
 * execution row (the process is gone; there is nothing to read but the record).
 */
export function terminalStatusView(
  task: Task,
  live: { session: HostedSession; stats: SessionStats } | undefined,
  execution: Execution | undefined,
  usage: RunUsage | null = null,
): TerminalStatusView {
  const base = {
    usage,
    taskId: task.id,
    taskStatus: task.status,
    taskStatusMessage: task.statusMessage ?? null,
    executionId: execution?.id ?? null,
    executionStatus: execution?.status ?? null,
    profileName: execution?.profileName ?? null,
    commandLine: execution?.commandLine ?? null,
    agentStatus: execution?.agentStatus ?? null,
    agentMessage: execution?.agentMessage ?? null,
    agentSessionId: execution?.agentSessionId ?? null,
  };
  if (live) {
    const { session, stats } = live;
    const state = session.state;
    return {
      ...base,
      live: true,
      running: state.running,
      pid: state.pid,
      exitCode: state.exitCode,
      signal: state.signal,
      startedAt: state.startedAt,
      endedAt: state.endedAt,
      lastOutputAt: stats.lastOutputAt,
      viewers: state.viewers,
      size: { cols: state.cols, rows: state.rows },
      totalLines: stats.totalLines,
      totalBytes: stats.totalBytes,
    };
  }
  return {
    ...base,
    live: false,
    running: false,
    pid: execution?.pid ?? null,
    exitCode: execution?.exitCode ?? null,
    signal: execution?.signal ?? null,
    startedAt: execution?.startedAt.toISOString() ?? null,
    endedAt: execution?.endedAt?.toISOString() ?? null,
    lastOutputAt: null,
    viewers: 0,
    size: null,
    totalLines: null,
    totalBytes: null,
  };
}

/**
 * The `data` of the terminal routes (docs/internal-api.md). Defined here, beside the views they
 * build on, so the MCP server reads them with `import type` (src/mcp/api-types.ts) instead of
 * keeping copies.
 */

/** `GET …/buffer`: a read of the output log, where its lines sit, and the run's state. */
export interface TerminalBufferView extends OutputReadResult {
  /** Absolute line numbers of the lines shown, half-open. */
  fromLine: number;
  toLine: number;
  running: boolean;
  exitCode: number | null;
  signal: string | null;
  /** `live`: the session in memory; `recording`: the run's recording on disk. */
  source: "live" | "recording";
  executionId: string;
  wait?: WaitOutcome;
}

/** `GET …/snapshot`: the screen as the mirror sees it. */
export interface TerminalSnapshotView extends ScreenSnapshot {
  running: boolean;
  source: "live" | "recording";
  executionId: string;
}

/** `POST …/input`. */
export interface TerminalInputView {
  mode: InputMode;
  bytesWritten: number;
  running: boolean;
  /**
   * The line position taken just before the write: everything the input caused is at lines >= it.
   * Read it later with `GET …/buffer?since=<readFrom>` (the unfinished line it names, e.g. the
   * prompt the input was typed at, is included).
   */
  readFrom: number;
  exitCode: number | null;
  signal: string | null;
  /** With a wait: how it ended. */
  wait?: WaitOutcome;
  /** With a wait: the output from `readFrom` on, read as asked (default head-tail, cleaned). */
  output?: TerminalInputOutputView;
}

/** The read part of a send-and-wait answer: a buffer read from `readFrom`, plus the error lines it left out. */
export type TerminalInputOutputView = OutputReadResult & {
  fromLine: number;
  toLine: number;
  /** The lines the read left out (half-open, absolute), when it left any out: read them with `since`. */
  omitted: { from: number; to: number } | null;
  /** Lines of the omitted part that look like errors (see error-lines.ts), with their numbers. */
  errorLines: ErrorLines;
};

export type TaskView = Omit<Task, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };

/** Task rows with ISO dates (what JSON.stringify would do anyway, stated once). */
export function taskView(task: Task): TaskView {
  return { ...task, createdAt: task.createdAt.toISOString(), updatedAt: task.updatedAt.toISOString() };
}
