import { formatRunUsage, formatTokenCount } from "../lib/format/run-usage";
import type { BufferData, ExecutionData, InputData, InputOutputData, SnapshotData, StatusData, TaskData } from "./api-types";

/**
 * Compact text for agents, who pay per token: a bracketed header that says what was shown and
 * how to read on, then the content. No JSON, no repeated fields.
 */

export function formatBuffer(data: BufferData): string {
  const lines = readLines(data);
  if (data.wait) lines.push(formatWait(data.wait));
  if (!data.running) lines.push(`[process exited${exitDetail(data.exitCode, data.signal)}]`);
  return lines.join("\n");
}

/**
 * `send_task_terminal_input`: what was sent and, after a wait, the output it caused (read from
 * `readFrom`, the position taken before the write), the error lines the read left out, how the
 * wait ended and the exit status. Without a wait: where to read from later.
 */
export function formatInput(taskId: string, data: InputData): string {
  const sent = `Sent ${data.bytesWritten} bytes to task ${taskId} (${data.mode} mode)`;
  const exited = data.running ? "" : ` [process exited${exitDetail(data.exitCode, data.signal)}]`;
  if (!data.output) return `${sent}; its output starts at line ${data.readFrom}: read it with get_task_terminal_output since=${data.readFrom}.${exited}`;
  const output = { ...data.output, output: data.output.output.split("\n").map(shortLine).join("\n") };
  const lines = [`${sent}; output from line ${data.readFrom}:`, ...readLines(output)];
  const errors = data.output.errorLines;
  if (errors.total > 0) {
    const count = errors.total > errors.lines.length ? `first ${errors.lines.length} of ${errors.total}` : `${errors.total}`;
    lines.push(`[error-like lines in the omitted part (${count}):]`, ...errors.lines.map((e) => `line ${e.line}: ${e.text}`));
  }
  if (data.wait) lines.push(formatWait(data.wait));
  if (!data.running) lines.push(`[process exited${exitDetail(data.exitCode, data.signal)}]`);
  return lines.join("\n");
}

/**
 * A shown line of a send-and-wait answer is cut here: one minified bundle or base64 blob must not
 * spend the answer's budget; get_task_terminal_output shows it whole.
 */
export const MAX_ANSWER_LINE_CHARS = 400;

function shortLine(line: string): string {
  if (line.length <= MAX_ANSWER_LINE_CHARS) return line;
  return `${line.slice(0, MAX_ANSWER_LINE_CHARS)}… [${line.length - MAX_ANSWER_LINE_CHARS} more chars]`;
}

/** The header that says which lines are shown and how to read on, then those lines. */
function readLines(data: Omit<InputOutputData, "errorLines" | "omitted"> & { omitted?: InputOutputData["omitted"] }): string[] {
  const lines: string[] = [];
  const shown = data.stats.linesShown;
  if (shown === 0) {
    lines.push(`[no output after line ${data.nextReadFrom}; ${data.totalLines} lines so far; read on with since=${data.nextReadFrom}]`);
  } else {
    const notes: string[] = [];
    if (data.stats.linesOmitted > 0 && !data.hasMore) {
      const where = data.omitted && data.omitted.to > data.omitted.from ? ` (${data.omitted.from}–${data.omitted.to})` : "";
      notes.push(`${data.stats.linesOmitted} lines not shown${where}`);
    }
    if (data.hasMore) notes.push("more follows");
    if (data.endsWithPartialLine) notes.push("last line unfinished");
    if (data.firstLine > 0 && data.fromLine <= data.firstLine) notes.push(`lines before ${data.firstLine} were dropped from the buffer`);
    const extra = notes.length > 0 ? `; ${notes.join("; ")}` : "";
    lines.push(`[lines ${data.fromLine}–${data.toLine} of ${Math.max(data.totalLines, data.toLine)}${extra}; read more with since=${data.nextReadFrom}]`);
    lines.push(data.output);
  }
  return lines;
}

function formatWait(wait: NonNullable<BufferData["wait"]>): string {
  const seconds = `${(wait.waitedMs / 1000).toFixed(1)} s`;
  switch (wait.reason) {
    case "pattern":
      return `[pattern matched after ${seconds}: ${JSON.stringify(wait.match ?? "")}]`;
    case "idle":
      return `[output went quiet after ${seconds}]`;
    case "prompt":
      return `[prompt back after ${seconds}]`;
    case "exit":
      if (wait.condition === "pattern") return `[process exited after ${seconds} without the pattern appearing]`;
      if (wait.condition === "prompt") return `[process exited after ${seconds}; the prompt did not come back]`;
      return `[process exited after ${seconds}]`;
    default:
      return `[timed out after ${seconds} waiting for ${wait.condition}]`;
  }
}

export function formatSnapshot(data: SnapshotData): string {
  const lines = [...data.lines];
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  const rows = lines.length === 0 ? "no text" : `rows ${data.startRow}–${data.startRow + lines.length - 1}`;
  const facts = [
    `screen ${data.size.cols}×${data.size.rows}`,
    `cursor row ${data.cursor.row} col ${data.cursor.col}${data.cursorVisible ? "" : " (hidden)"}`,
    rows,
  ];
  if (data.alternateScreen) facts.push("full-screen program");
  if (!data.running) facts.push("process exited");
  return [`[${facts.join(", ")}]`, ...lines].join("\n");
}

export function formatStatus(data: StatusData): string {
  const out: string[] = [];
  out.push(`Task ${data.taskId}: ${data.taskStatus}${data.taskStatusMessage ? ` — ${data.taskStatusMessage}` : ""}`);
  if (!data.executionId) {
    out.push("Terminal: never started.");
    return out.join("\n");
  }
  const terminal: string[] = [];
  if (data.running) terminal.push(`running (pid ${data.pid})`);
  else terminal.push(`exited${exitDetail(data.exitCode, data.signal)}`);
  if (data.startedAt) terminal.push(`started ${data.startedAt}`);
  if (data.endedAt) terminal.push(`ended ${data.endedAt}`);
  if (data.lastOutputAt) terminal.push(`last output ${data.lastOutputAt}`);
  if (data.live) terminal.push(`${data.viewers} viewer${data.viewers === 1 ? "" : "s"}`);
  if (data.size) terminal.push(`${data.size.cols}×${data.size.rows}`);
  if (data.totalLines !== null) terminal.push(`${data.totalLines} lines of output`);
  if (!data.live) terminal.push("no live session (output not readable)");
  out.push(`Terminal: ${terminal.join(", ")}`);
  out.push(`Execution ${data.executionId}: ${data.executionStatus}${data.profileName ? `, profile ${data.profileName}` : ""}`);
  if (data.agentStatus || data.agentSessionId) {
    const agent = [data.agentStatus ?? "no status reported"];
    if (data.agentMessage) agent.push(`— ${data.agentMessage}`);
    if (data.agentSessionId) agent.push(`(session ${data.agentSessionId})`);
    out.push(`Agent: ${agent.join(" ")}`);
  }
  if (data.usage) out.push(formatUsageLine(data.usage));
  return out.join("\n");
}

/** One page of tasks; `more` when tasks follow it (the next call's offset is said). */
export function formatTaskList(tasks: TaskData[], page: { status?: string; offset?: number; more?: boolean } = {}): string {
  const { status, offset = 0, more = false } = page;
  const which = status ? ` with status ${status}` : "";
  if (tasks.length === 0) return offset > 0 ? `No more tasks${which} after the first ${offset}.` : status ? `No tasks with status ${status}.` : "No tasks yet.";
  const header =
    offset === 0 && !more
      ? `${tasks.length} task${tasks.length === 1 ? "" : "s"}${which}:`
      : `Tasks${which} ${offset + 1}–${offset + tasks.length}, most recently updated first${more ? ` (more: call list_tasks with offset ${offset + tasks.length})` : " (the last ones)"}:`;
  return [header, ...tasks.map(formatTaskLine)].join("\n");
}

export function formatTaskLine(task: TaskData): string {
  const message = task.statusMessage ? ` (${task.statusMessage})` : "";
  return `${task.id}  [${task.status}${message}]  ${task.title}  — ${task.cwd}`;
}

export function formatExecution(verb: string, taskId: string, execution: ExecutionData): string {
  const state = execution.status === "running" ? `running, pid ${execution.pid}` : `${execution.status}${exitDetail(execution.exitCode, execution.signal)}`;
  return `${verb} task ${taskId}: execution ${execution.id} (${state}), command: ${execution.commandLine}`;
}

function exitDetail(exitCode: number | null, signal: string | null): string {
  if (signal) return ` by ${signal}`;
  if (exitCode !== null) return ` with code ${exitCode}`;
  return "";
}

/** "Usage: 1.2M tokens · $0.42 (in 3.1k, out 12k, cache write 80k, cache read 1.1M; 14 responses; claude-sonnet-4-5; prices as of …)" */
function formatUsageLine(usage: NonNullable<StatusData["usage"]>): string {
  const parts = [
    `in ${formatTokenCount(usage.input)}, out ${formatTokenCount(usage.output)}, cache write ${formatTokenCount(usage.cacheWrite)}, cache read ${formatTokenCount(usage.cacheRead)}`,
    `${usage.messages} response${usage.messages === 1 ? "" : "s"}`,
  ];
  const unpriced = usage.models.filter((m) => m.costUsd === null).map((m) => m.model);
  parts.push(usage.models.map((m) => m.model).join(", ") || "no model yet");
  if (unpriced.length > 0) parts.push(`no price for ${unpriced.join(", ")}`);
  parts.push(`prices as of ${usage.pricesAsOf}`);
  return `Usage: ${formatRunUsage(usage)} (${parts.join("; ")})`;
}
