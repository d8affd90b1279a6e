import "server-only";
import { setTimeout as delay } from "node:timers/promises";
import { PASTE_ENTER_DELAY_MS, planInput } from "../../../server/internal-api/terminal-input";
import { AppError } from "../../lib/errors";
import { INBOX_LAST_LINES, INBOX_STATUSES, type InboxItem } from "../../lib/inbox";
import type { Services } from "../services";

/**
 * Screen rows read per task: blank rows (a TUI's padding, the empty screen under a short shell
 * session) are dropped, and INBOX_LAST_LINES of what is left are kept.
 */
const SNAPSHOT_ROWS = 24;

/** Needs input first (someone is blocked), then review; newest first within each. */
export async function listInbox(services: Services): Promise<InboxItem[]> {
  // Read by status (indexed), not every task with its prompt only to keep a few.
  const waiting = INBOX_STATUSES.flatMap((status) => services.tasks.list({ status })).sort(
    (a, b) => rank(a.status) - rank(b.status) || b.updatedAt.getTime() - a.updatedAt.getTime(),
  );
  return Promise.all(
    waiting.map(async (task) => {
      const session = services.sessions.get(task.id);
      return {
        taskId: task.id,
        title: task.title,
        status: task.status as InboxItem["status"],
        statusMessage: task.statusMessage,
        updatedAt: task.updatedAt.getTime(),
        running: session?.running ?? false,
        lastLines: await lastLines(services, task.id),
      };
    }),
  );
}

function rank(status: string): number {
  return status === "needs_input" ? 0 : 1;
}

/** What the task's screen ends with: the live session's mirror, else its last recording; none if neither. */
async function lastLines(services: Services, taskId: string): Promise<string[]> {
  const options = { nLines: SNAPSHOT_ROWS };
  const session = services.sessions.get(taskId);
  try {
    const shot = session
      ? await session.snapshot("last_n_lines", options)
      : (await services.history.snapshot(taskId, "last_n_lines", options)).snapshot;
    return shot.lines.filter((line) => line.trim().length > 0).slice(-INBOX_LAST_LINES);
  } catch {
    // Never started, or its recording is gone: the item still shows, without lines.
    return [];
  }
}

/**
 * Sends a reply to a task's agent as a person pasting it: bracketed paste, then Enter as a separate
 * write (agent TUIs do not take an Enter that arrives inside the paste's read), as the internal
 * API's `paste` mode does.
 */
export async function replyToTask(services: Services, taskId: string, text: string): Promise<void> {
  const task = services.tasks.get(taskId);
  const session = services.sessions.get(task.id);
  if (!session?.running) {
    throw new AppError("conflict:session", "This task's terminal is not running; open the task to start or resume it.");
  }
  const plan = planInput(text, "paste");
  session.write(plan.first);
  if (plan.then !== undefined) {
    await delay(PASTE_ENTER_DELAY_MS);
    if (session.running) session.write(plan.then);
  }
}
