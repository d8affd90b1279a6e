import { z } from "zod";
import { taskIdSchema } from "./schemas/task-schemas";

/**
 * The Inbox: tasks waiting on a person (an agent asked something, or finished and wants a review),
 * each with its last lines and quick replies. Plain constants and schemas: safe for the browser.
 */

export const INBOX_STATUSES = ["needs_input", "review"] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export function isInboxStatus(status: string): status is InboxStatus {
  return (INBOX_STATUSES as readonly string[]).includes(status);
}

/** One tap answers: each is sent as a paste followed by Enter, like the free-text reply. */
export const QUICK_REPLIES = ["yes", "continue"] as const;

/** Lines of the task's screen shown per item: enough to see the question, short enough for a phone. */
export const INBOX_LAST_LINES = 5;

/** A reply is a message to an agent, not a file: bounded well below the internal API's input limit. */
export const MAX_REPLY_CHARS = 4000;

export const inboxReplySchema = z.object({
  taskId: taskIdSchema,
  text: z
    .string({ error: "must be text" })
    .trim()
    .min(1, "Write a reply first")
    .max(MAX_REPLY_CHARS, `A reply is at most ${MAX_REPLY_CHARS} characters`)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL bytes"),
});
export type InboxReplyInput = z.input<typeof inboxReplySchema>;

export interface InboxItem {
  taskId: string;
  title: string;
  status: InboxStatus;
  /** What the agent said with its status, if anything. */
  statusMessage: string | null;
  updatedAt: number;
  /** The terminal is running: replies can be sent. */
  running: boolean;
  /** The last non-empty lines of the task's screen (live, or its last recorded run), oldest first. */
  lastLines: string[];
}
