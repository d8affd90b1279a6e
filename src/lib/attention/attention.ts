import type { ClientAppEvent } from "@/lib/client/app-events-client";

/**
 * What deserves a person's attention, decided from live app events: a task that *turned*
 * needs_input, review or failed, and a process that exited. Pure, so the rules are unit-tested;
 * the attention center turns notices into toasts and browser notifications.
 */

export const ATTENTION_STATUSES = ["needs_input", "review", "failed"] as const;
export type AttentionKind = (typeof ATTENTION_STATUSES)[number] | "exited";

export interface AttentionNotice {
  taskId: string;
  /** Unknown when only an execution event was seen for a task this page never heard of. */
  title: string | undefined;
  kind: AttentionKind;
  /** One line per thing that happened, e.g. "needs your input", "process exited with code 1". */
  lines: string[];
  /** What the agent said with its status, when it said something. */
  detail: string | undefined;
}

/** The most urgent kind names a merged notice: waiting on a person beats a failure beats the rest. */
const PRIORITY: Record<AttentionKind, number> = { needs_input: 4, failed: 3, review: 2, exited: 1 };

const STATUS_LINES: Record<(typeof ATTENTION_STATUSES)[number], string> = {
  needs_input: "needs your input",
  review: "ready for review",
  failed: "failed",
};

/** Execution ids already announced; bounded so a long-open tab does not grow without end. */
export class SeenSet {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 1000) {}

  /** True the first time an id is offered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}

function isAttentionStatus(status: string): status is (typeof ATTENTION_STATUSES)[number] {
  return (ATTENTION_STATUSES as readonly string[]).includes(status);
}

/** The notice an event calls for, if any. `seenExecutions` dedupes exits (events can repeat). */
export function noticeFor(event: ClientAppEvent, seenExecutions: SeenSet, titleOf: (taskId: string) => string | undefined): AttentionNotice | undefined {
  if (event.type === "task.changed") {
    const { task, previousStatus } = event;
    if (previousStatus === task.status || !isAttentionStatus(task.status)) return undefined;
    return { taskId: task.id, title: task.title, kind: task.status, lines: [STATUS_LINES[task.status]], detail: task.statusMessage ?? undefined };
  }
  if (event.type === "execution.changed") {
    const { execution } = event;
    if (execution.status === "running" || !seenExecutions.add(execution.id)) return undefined;
    return { taskId: execution.taskId, title: titleOf(execution.taskId), kind: "exited", lines: [exitLine(execution)], detail: undefined };
  }
  return undefined;
}

export function exitLine(execution: { status: string; exitCode: number | null; signal: string | null }): string {
  switch (execution.status) {
    case "stopped":
      return "stopped";
    case "interrupted":
      return "interrupted (the server stopped)";
    case "succeeded":
      return "process finished (exit code 0)";
    default:
      if (execution.exitCode !== null) return `process exited with code ${execution.exitCode}`;
      if (execution.signal) return `process was killed by ${execution.signal}`;
      return "process exited";
  }
}

/** Two notices about one task close together become one: a failing exit and the status it causes. */
export function mergeNotices(a: AttentionNotice, b: AttentionNotice): AttentionNotice {
  const lines = [...a.lines];
  for (const line of b.lines) if (!lines.includes(line)) lines.push(line);
  return {
    taskId: a.taskId,
    title: b.title ?? a.title,
    kind: PRIORITY[b.kind] > PRIORITY[a.kind] ? b.kind : a.kind,
    // Most urgent first: "needs your input" before "process exited".
    lines: lines.sort((x, y) => linePriority(y) - linePriority(x)),
    detail: b.detail ?? a.detail,
  };
}

/**
 * The lines a toast shows under its status badge: the one that only repeats the badge goes,
 * unless it is all there is ("Failed" badge over "Process exited with code 1").
 */
export function linesBesideBadge(notice: AttentionNotice): string[] {
  if (notice.kind === "exited" || notice.lines.length < 2) return notice.lines;
  const badgeLine = STATUS_LINES[notice.kind];
  return notice.lines.filter((line) => line !== badgeLine);
}

function linePriority(line: string): number {
  for (const [status, text] of Object.entries(STATUS_LINES)) if (text === line) return PRIORITY[status as AttentionKind];
  return PRIORITY.exited;
}

/** "Fix the login bug: needs your input · process exited with code 1". */
export function noticeHeadline(notice: AttentionNotice): string {
  return `${notice.title ?? "A task"}: ${notice.lines.join(" · ")}`;
}

/** The browser notification's title and body. */
export function notificationContent(notice: AttentionNotice): { title: string; body: string } {
  const what = notice.lines.join(" · ");
  const body = notice.detail ? `${capitalize(what)}: ${notice.detail}` : capitalize(what);
  return { title: notice.title ?? "A task", body };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
