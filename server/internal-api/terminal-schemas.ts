import { z } from "zod";
import { OUTPUT_READ_MODES } from "../../src/terminal/host/output-log";
import { MAX_COLS, MAX_ROWS } from "../../src/terminal/contract/protocol";
import type { SnapshotViewMode } from "../../src/terminal/host/screen-mirror";
import { STOP_SIGNALS } from "../../src/terminal/host/signals";
import { promptSchema } from "../../src/lib/schemas/task-schemas";
import type { WaitSpec } from "./buffer-wait";
import { boolParam, intField, intParam } from "./query-params";

/** Claude Code gives up on an MCP tool call after ~60 s: one waiting read must end well before. */
export const MAX_WAIT_MS = 50_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_MS = 1_000;
/** Long patterns are a sign of a mistake and make pathological regexes likelier. */
export const MAX_PATTERN_CHARS = 500;
/** One read never returns more lines than this, whatever the mode. */
export const MAX_READ_LINES = 10_000;
export const WAIT_CONDITIONS = ["idle", "exit", "pattern"] as const;
/** A send-and-wait can also wait for the prompt the input was typed at to come back. */
export const INPUT_WAIT_CONDITIONS = [...WAIT_CONDITIONS, "prompt"] as const;
export type WaitCondition = (typeof INPUT_WAIT_CONDITIONS)[number];
export const INPUT_MODES = ["line", "raw", "paste"] as const;
export type InputMode = (typeof INPUT_MODES)[number];
/** Input larger than this is refused with 413 (UTF-8 bytes). */
export const MAX_INPUT_BYTES = 1024 * 1024;

const list = (values: readonly string[]) => values.join(", ");

/** A past run to read from its recording instead of the task's live session. */
const executionIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an execution id");

/** The wait fields shared by the buffer query and the input body, once parsed. */
interface WaitFields {
  waitFor?: WaitCondition;
  idleMs?: number;
  pattern?: string;
  flags?: string;
  timeoutMs?: number;
}

const waitForField = z.enum(WAIT_CONDITIONS, { error: `must be one of ${list(WAIT_CONDITIONS)}` });
const inputWaitForField = z.enum(INPUT_WAIT_CONDITIONS, { error: `must be one of ${list(INPUT_WAIT_CONDITIONS)}` });
const patternField = z
  .string({ error: "must be text" })
  .min(1, "must not be empty")
  .max(MAX_PATTERN_CHARS, `must be at most ${MAX_PATTERN_CHARS} characters`);
// No g or y: a stateful regex would make repeated checks skip matches.
const flagsField = z.string({ error: "must be text" }).regex(/^(?!.*(.).*\1)[imsu]*$/, "may only hold the flags i, m, s and u, each once");

/** Fields that only make sense with some waits, a pattern wait without a pattern, a regex that does not compile. */
function checkWaitFields(q: WaitFields, ctx: z.RefinementCtx, conditions: readonly WaitCondition[] = WAIT_CONDITIONS): void {
  const misplaced = (field: string, condition: string) =>
    ctx.addIssue({ code: "custom", path: [field], message: `only applies with waitFor=${condition}` });
  if (q.waitFor === undefined && q.timeoutMs !== undefined) misplaced("timeoutMs", conditions.join("|"));
  if (q.waitFor !== "idle" && q.idleMs !== undefined) misplaced("idleMs", "idle");
  if (q.waitFor !== "pattern" && q.pattern !== undefined) misplaced("pattern", "pattern");
  if (q.waitFor !== "pattern" && q.flags !== undefined) misplaced("flags", "pattern");
  if (q.waitFor === "pattern" && q.pattern === undefined) {
    ctx.addIssue({ code: "custom", path: ["pattern"], message: "is required with waitFor=pattern (a JavaScript regular expression)" });
  }
  if (q.pattern !== undefined) {
    try {
      new RegExp(q.pattern, q.flags ?? "");
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `is not a valid regular expression: ${(error as Error).message}` });
    }
  }
}

/**
 * Terminal output is lines, and a pattern is matched against a few hundred of them at a time:
 * without `m`, `$` would match wherever a scan happens to end (`DONE$` matched or not by timing)
 * and never before the prompt that follows. So `^` and `$` always mean a line's start and end.
 */
function withMultiline(flags: string): string {
  return flags.includes("m") ? flags : `${flags}m`;
}

function waitSpecOf(q: WaitFields, since: number | undefined): WaitSpec | undefined {
  if (q.waitFor === undefined) return undefined;
  return {
    condition: q.waitFor,
    idleMs: q.idleMs ?? DEFAULT_IDLE_MS,
    pattern: q.pattern === undefined ? undefined : new RegExp(q.pattern, withMultiline(q.flags ?? "")),
    timeoutMs: q.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    since,
  };
}

export const bufferQuerySchema = z
  .strictObject({
    mode: z.enum(OUTPUT_READ_MODES, { error: `must be one of ${list(OUTPUT_READ_MODES)}` }).default("full"),
    tailLines: intParam(0, MAX_READ_LINES).optional(),
    headLines: intParam(0, MAX_READ_LINES).optional(),
    maxLines: intParam(1, MAX_READ_LINES).optional(),
    since: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
    clean: boolParam.optional(),
    waitFor: waitForField.optional(),
    idleMs: intParam(10, MAX_WAIT_MS).optional(),
    pattern: patternField.optional(),
    flags: flagsField.optional(),
    timeoutMs: intParam(0, MAX_WAIT_MS).optional(),
    executionId: executionIdParam.optional(),
  })
  .superRefine((q, ctx) => checkWaitFields(q, ctx))
  .transform((q) => ({
    executionId: q.executionId,
    read: {
      mode: q.mode,
      tailLines: q.tailLines,
      headLines: q.headLines,
      maxLines: q.maxLines,
      since: q.since,
      clean: q.clean ?? false,
    },
    wait: waitSpecOf(q, q.since),
  }));
export type BufferQuery = z.output<typeof bufferQuerySchema>;

/** The mirror's view modes, as a tuple zod can check (kept in step with SnapshotViewMode by the type). */
const VIEW_MODES = ["full", "last_line", "last_n_lines", "cursor_area"] as const satisfies readonly SnapshotViewMode[];

export const snapshotQuerySchema = z.strictObject({
  executionId: executionIdParam.optional(),
  view_mode: z.enum(VIEW_MODES, { error: `must be one of ${list(VIEW_MODES)}` }).default("full"),
  n_lines: intParam(1, 200).default(10),
  context_lines: intParam(1, 20).default(3),
});

export const emptyQuerySchema = z.strictObject({});

export const startBodySchema = z.strictObject({
  prompt: promptSchema.optional(),
  cols: intField(1, MAX_COLS).optional(),
  rows: intField(1, MAX_ROWS).optional(),
});

export const stopBodySchema = z.strictObject({
  signal: z.enum(STOP_SIGNALS, { error: `must be one of ${list(STOP_SIGNALS)}` }).optional(),
});

export const resizeBodySchema = z.strictObject({
  cols: intField(1, MAX_COLS),
  rows: intField(1, MAX_ROWS),
});

/**
 * What a send-and-wait answers with by default: the first and last lines of what the input caused,
 * cleaned — enough to see the command and its result without paying for thousands of lines.
 */
export const DEFAULT_INPUT_HEAD_LINES = 5;
export const DEFAULT_INPUT_TAIL_LINES = 15;

/** How the output a send-and-wait caused is read: the buffer's options, other defaults (above). */
const inputReadSchema = z.strictObject({
  mode: z.enum(OUTPUT_READ_MODES, { error: `must be one of ${list(OUTPUT_READ_MODES)}` }).default("head-tail"),
  headLines: intField(0, MAX_READ_LINES).default(DEFAULT_INPUT_HEAD_LINES),
  tailLines: intField(0, MAX_READ_LINES).default(DEFAULT_INPUT_TAIL_LINES),
  maxLines: intField(1, MAX_READ_LINES).optional(),
  clean: z.boolean({ error: "must be true or false" }).default(true),
});

export const inputBodySchema = z
  .strictObject({
    input: z.string({ error: "must be text" }),
    mode: z.enum(INPUT_MODES, { error: `must be one of ${list(INPUT_MODES)}` }).default("line"),
    waitFor: inputWaitForField.optional(),
    idleMs: intField(10, MAX_WAIT_MS).optional(),
    pattern: patternField.optional(),
    flags: flagsField.optional(),
    timeoutMs: intField(0, MAX_WAIT_MS).optional(),
    read: inputReadSchema.optional(),
  })
  .superRefine((q, ctx) => {
    checkWaitFields(q, ctx, INPUT_WAIT_CONDITIONS);
    if (q.waitFor === undefined && q.read !== undefined) {
      ctx.addIssue({ code: "custom", path: ["read"], message: "only applies with waitFor=idle|exit|pattern|prompt (without a wait, read later with since=readFrom)" });
    }
  })
  .transform((q) => ({
    input: q.input,
    mode: q.mode,
    // The scan origin (since) is the position taken just before the write, filled in by the handler.
    wait: waitSpecOf(q, undefined),
    read: q.read ?? inputReadSchema.parse({}),
  }));
export type InputBody = z.output<typeof inputBodySchema>;
export type InputReadOptions = z.output<typeof inputReadSchema>;
