import { z } from "zod";
import { MAX_DIFF_MAX_LINES } from "../../src/workspace/changes";
import type { ApiContext, ApiHandler, ApiResult } from "./context";
import { intParam } from "./query-params";
import type { Router } from "./router";
import { parseInput, parseTaskId, queryObject } from "./validate";

/** An agent reads diffs by the token: a few hundred lines unless it asks for more. */
export const AGENT_DIFF_DEFAULT_LINES = 500;

export const changesQuerySchema = z.strictObject({});
export type ChangesQuery = z.infer<typeof changesQuerySchema>;

export const changesDiffQuerySchema = z.strictObject({
  path: z.string({ error: "must name a file" }).min(1, "must name a file").max(4096, "is too long"),
  maxLines: intParam(1, MAX_DIFF_MAX_LINES).optional(),
});
export type ChangesDiffQuery = z.infer<typeof changesDiffQuerySchema>;

/**
 * `/api/internal/tasks/<taskId>/changes[/diff]`: what an isolated task changed against its base
 * (files with counts) and one file's unified diff as plain text, cut to `maxLines`.
 */
export function registerChangeRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/api/internal/tasks/:taskId/changes", changes).add("GET", "/api/internal/tasks/:taskId/changes/diff", diff);
}

async function changes(ctx: ApiContext): Promise<ApiResult> {
  const taskId = knownTask(ctx);
  parseInput(changesQuerySchema, queryObject(ctx.query), "query");
  return { data: await ctx.services.review.changes(taskId) };
}

async function diff(ctx: ApiContext): Promise<ApiResult> {
  const taskId = knownTask(ctx);
  const query = parseInput(changesDiffQuerySchema, queryObject(ctx.query), "query");
  return { data: await ctx.services.review.fileDiff(taskId, query.path, query.maxLines ?? AGENT_DIFF_DEFAULT_LINES) };
}

/** 400 for a malformed id, 404 `not_found:task` for an unknown one, before git is asked anything. */
function knownTask(ctx: ApiContext): string {
  const taskId = parseTaskId(ctx.params.taskId);
  ctx.services.tasks.get(taskId);
  return taskId;
}

