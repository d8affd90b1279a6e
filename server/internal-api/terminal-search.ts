import type { ApiContext, ApiHandler, ApiResult } from "./context";
import type { Router } from "./router";
import { globalSearchQuerySchema, runSearchQuerySchema } from "./terminal-search-schemas";
import { parseInput, parseTaskId, queryObject } from "./validate";

/**
 * Output search (docs/internal-api.md, "Search"): one run's whole output, live log and
 * recording, and every run of every task. The matching runs in worker threads with a time budget
 * (src/server/search): a pattern that backtracks answers 400 and stalls nothing else.
 */
export function registerSearchRoutes(router: Router<ApiHandler>): void {
  router.add("GET", "/api/internal/terminal/:taskId/search", searchRun).add("GET", "/api/internal/search", searchAll);
}

async function searchRun(ctx: ApiContext): Promise<ApiResult> {
  const taskId = parseTaskId(ctx.params.taskId);
  const query = parseInput(runSearchQuerySchema, queryObject(ctx.query), "query");
  return { data: await ctx.services.search.searchRun(taskId, query.spec, query.executionId) };
}

async function searchAll(ctx: ApiContext): Promise<ApiResult> {
  const query = parseInput(globalSearchQuerySchema, queryObject(ctx.query), "query");
  if (query.taskId) ctx.services.tasks.get(query.taskId);
  return { data: await ctx.services.search.searchAll({ spec: query.spec, offset: query.offset, taskId: query.taskId }) };
}
