import { z } from "zod";
import { boolParam, intParam } from "./query-params";
import { MAX_PATTERN_CHARS } from "./terminal-schemas";

/** Matches one search returns; the rest are counted and paged with `since`. */
export const MAX_SEARCH_MATCHES = 500;
export const DEFAULT_SEARCH_MATCHES = 50;
export const MAX_SEARCH_CONTEXT = 10;
export const DEFAULT_SEARCH_CONTEXT = 2;
/** Across all runs each match has less context: many runs share one answer. */
export const MAX_GLOBAL_CONTEXT = 3;
export const DEFAULT_GLOBAL_CONTEXT = 1;

const executionIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an execution id");
const taskIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a task id");

const searchText = z
  .string({ error: "is required (the text or regular expression to find)" })
  .min(1, "must not be empty")
  .max(MAX_PATTERN_CHARS, `must be at most ${MAX_PATTERN_CHARS} characters`);

/** A regex search's pattern must compile; the message says why it does not. */
function checkPattern(q: { q: string; regex?: boolean }, ctx: z.RefinementCtx): void {
  if (!q.regex) return;
  try {
    new RegExp(q.q);
  } catch (error) {
    ctx.addIssue({ code: "custom", path: ["q"], message: `is not a valid regular expression: ${(error as Error).message}` });
  }
}

/** `GET /api/internal/terminal/<taskId>/search` */
export const runSearchQuerySchema = z
  .strictObject({
    q: searchText,
    regex: boolParam.default(false),
    caseSensitive: boolParam.default(false),
    executionId: executionIdParam.optional(),
    since: intParam(0, Number.MAX_SAFE_INTEGER).default(0),
    maxMatches: intParam(1, MAX_SEARCH_MATCHES).default(DEFAULT_SEARCH_MATCHES),
    context: intParam(0, MAX_SEARCH_CONTEXT).default(DEFAULT_SEARCH_CONTEXT),
  })
  .superRefine(checkPattern)
  .transform((q) => ({
    executionId: q.executionId,
    spec: { query: q.q, regex: q.regex, caseSensitive: q.caseSensitive, context: q.context, since: q.since, maxMatches: q.maxMatches },
  }));
export type RunSearchQuery = z.output<typeof runSearchQuerySchema>;

/** `GET /api/internal/search`: every run of every task (or of one task), newest first. */
export const globalSearchQuerySchema = z
  .strictObject({
    q: searchText,
    regex: boolParam.default(false),
    caseSensitive: boolParam.default(false),
    context: intParam(0, MAX_GLOBAL_CONTEXT).default(DEFAULT_GLOBAL_CONTEXT),
    offset: intParam(0, 1_000_000).default(0),
    taskId: taskIdParam.optional(),
  })
  .superRefine(checkPattern)
  .transform((q) => ({
    offset: q.offset,
    taskId: q.taskId,
    spec: { query: q.q, regex: q.regex, caseSensitive: q.caseSensitive, context: q.context },
  }));
export type GlobalSearchQuery = z.output<typeof globalSearchQuerySchema>;
