import { z } from "zod";
import { AGENT_STATUSES, type AgentStatus } from "../../src/lib/domain";
import { transcriptPathSchema } from "../../src/server/costs/transcript-path";
import { agentSessionIdSchema } from "../../src/server/terminals/terminal-service";
import { parseInput } from "./validate";
import { hasNoNul, isWellFormedText, NUL_MESSAGE, SURROGATE_MESSAGE } from "../../src/lib/schemas/text-rules";

/**
 * What a POST to CALLBACK_URL means. Two shapes are accepted:
 *
 * - a report: `{ status, message?, sessionId? }` with status running | needs_input | review |
 *   done | failed — what an agent (or a script) sends with curl;
 * - a Claude Code hook payload (it has `hook_event_name` and `session_id`):
 *   `SessionStart` → running, and the session id is recorded (Resume needs it);
 *   `UserPromptSubmit` → running; `Notification` → needs_input with its message;
 *   `Stop` → review, with the start of Claude's last message. Anything else (SessionEnd…) is
 *   acknowledged and ignored. Gemini CLI's hooks send the same shape with its own event names:
 *   `BeforeAgent` → running, `AfterAgent` → review (with the start of `prompt_response`);
 *   its `SessionStart` and `Notification` (tool permission) read as Claude's;
 * - a Codex CLI `notify` payload (`{ "type": "agent-turn-complete", "thread-id", … }`, passed to
 *   bin/ai-manager-hook.mjs as its argument): the turn ended → review, with the start of
 *   `last-assistant-message`; the thread id is the session id `codex resume` takes.
 *
 * Hooks never overwrite what the agent said on purpose: `Stop` keeps a review/done/failed the
 * agent reported during the turn, and an `idle_prompt` notification (Claude has simply been
 * waiting a while) keeps it too. `auth_success` notifications are not a request for input.
 */
export interface AgentReport {
  /** Absent: only the session id (if any) is recorded. */
  status?: AgentStatus;
  message?: string | null;
  sessionId?: string;
}

export type CallbackMeaning =
  | { kind: "report"; report: AgentReport }
  | {
      kind: "hook";
      event: string;
      report: AgentReport;
      ignored?: string;
      /** The session's transcript (any hook event carries it), valid by transcriptPathSchema: where the run's usage is read. */
      transcriptPath?: string;
    };

export const MAX_REPORT_MESSAGE_CHARS = 2_000;
/** A Stop hook's message is the start of Claude's last reply: enough for a card, not a transcript. */
const STOP_SUMMARY_CHARS = 300;
const FINAL_STATUSES: ReadonlySet<AgentStatus> = new Set(["review", "done", "failed"]);

const messageSchema = z
  .string({ error: "must be text" })
  .max(MAX_REPORT_MESSAGE_CHARS, `must be at most ${MAX_REPORT_MESSAGE_CHARS} characters`)
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE)
  .transform((value) => (value.trim() === "" ? null : value.trim()))
  .nullable();

export const reportBodySchema = z.strictObject({
  status: z.enum(AGENT_STATUSES, { error: `must be one of ${AGENT_STATUSES.join(", ")}` }),
  message: messageSchema.optional(),
  sessionId: agentSessionIdSchema.optional(),
});

/** Claude Code sends many more fields (cwd, permission_mode…); they are not needed. */
const hookBodySchema = z.looseObject({
  hook_event_name: z.string({ error: "must be text" }).max(100, "is too long"),
  session_id: z.unknown().optional(),
  message: z.unknown().optional(),
  notification_type: z.unknown().optional(),
  last_assistant_message: z.unknown().optional(),
  prompt_response: z.unknown().optional(),
  transcript_path: z.unknown().optional(),
});

/** Codex's notify JSON uses kebab-case keys; other notification types may come in later versions. */
const codexNotifySchema = z.looseObject({
  type: z.string({ error: "must be text" }).max(100, "is too long"),
  "thread-id": z.unknown().optional(),
  "last-assistant-message": z.unknown().optional(),
});
export const CODEX_TURN_COMPLETE = "agent-turn-complete";

/** Throws a 400 AppError for a body that is neither shape. `current` is the run's last reported status. */
export function interpretCallback(body: unknown, current: AgentStatus | null): CallbackMeaning {
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "hook_event_name" in body) {
    const hook = parseInput(hookBodySchema, body, "body");
    const meaning = interpretHook(hook, current);
    // A path that is not an absolute, normal .jsonl path is not an error of the report: its usage is just not read.
    const transcript = transcriptPathSchema.safeParse(hook.transcript_path);
    return transcript.success && meaning.kind === "hook" ? { ...meaning, transcriptPath: transcript.data } : meaning;
  }
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "type" in body && !("status" in body)) {
    const notify = parseInput(codexNotifySchema, body, "body");
    return interpretCodexNotify(notify, current);
  }
  const report = parseInput(reportBodySchema, body ?? {}, "body");
  return { kind: "report", report: { status: report.status, message: report.message ?? null, sessionId: report.sessionId } };
}

function interpretHook(hook: z.output<typeof hookBodySchema>, current: AgentStatus | null): CallbackMeaning {
  const event = hook.hook_event_name;
  const parsedId = agentSessionIdSchema.safeParse(hook.session_id);
  const sessionId = parsedId.success ? parsedId.data : undefined;
  const keep = (ignored: string): CallbackMeaning => ({ kind: "hook", event, report: { sessionId }, ignored });
  switch (event) {
    case "SessionStart":
    case "UserPromptSubmit":
    case "BeforeAgent":
      return { kind: "hook", event, report: { status: "running", message: null, sessionId } };
    case "Notification": {
      const type = typeof hook.notification_type === "string" ? hook.notification_type : undefined;
      if (type === "auth_success") return keep("auth_success is not a request for input");
      if (type === "idle_prompt" && current && FINAL_STATUSES.has(current)) return keep(`kept the reported status ${current}`);
      const message = text(hook.message, MAX_REPORT_MESSAGE_CHARS) ?? "The agent is waiting for your input";
      return { kind: "hook", event, report: { status: "needs_input", message, sessionId } };
    }
    case "Stop":
      if (current && FINAL_STATUSES.has(current)) return keep(`kept the reported status ${current}`);
      return { kind: "hook", event, report: { status: "review", message: text(hook.last_assistant_message, STOP_SUMMARY_CHARS), sessionId } };
    case "AfterAgent":
      if (current && FINAL_STATUSES.has(current)) return keep(`kept the reported status ${current}`);
      return { kind: "hook", event, report: { status: "review", message: text(hook.prompt_response, STOP_SUMMARY_CHARS), sessionId } };
    default:
      return { kind: "hook", event, report: {}, ignored: `${event} events are not used` };
  }
}

function interpretCodexNotify(notify: z.output<typeof codexNotifySchema>, current: AgentStatus | null): CallbackMeaning {
  const event = notify.type;
  const parsedId = agentSessionIdSchema.safeParse(notify["thread-id"]);
  const sessionId = parsedId.success ? parsedId.data : undefined;
  if (event !== CODEX_TURN_COMPLETE) return { kind: "hook", event, report: { sessionId }, ignored: `${event} notifications are not used` };
  if (current && FINAL_STATUSES.has(current)) return { kind: "hook", event, report: { sessionId }, ignored: `kept the reported status ${current}` };
  return { kind: "hook", event, report: { status: "review", message: text(notify["last-assistant-message"], STOP_SUMMARY_CHARS), sessionId } };
}

/** A one-line summary of a free-text field, or null when there is none. */
function text(value: unknown, max: number): string | null {
  if (typeof value !== "string") return null;
  const flat = value.replace(/\s+/g, " ").trim();
  if (flat === "") return null;
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
