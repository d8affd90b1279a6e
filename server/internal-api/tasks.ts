import { AppError, isAppError } from "../../src/lib/errors";
import type { Services } from "../../src/server/services";
import type { ApiContext, ApiHandler, ApiResult } from "./context";
import { TASK_BODY_LIMIT } from "./request-body";
import type { Router } from "./router";
import { createTaskBodySchema, listTasksQuerySchema, updateTaskBodySchema } from "./task-api-schemas";
import { parseInput, parseTaskId, queryObject } from "./validate";
import { taskView } from "./views";

/** `/api/internal/tasks[/<taskId>]`: list, create, read and update tasks. */
export function registerTaskRoutes(router: Router<ApiHandler>): void {
  router
    .add("GET", "/api/internal/tasks", list)
    .add("POST", "/api/internal/tasks", create, { bodyLimit: TASK_BODY_LIMIT })
    .add("GET", "/api/internal/tasks/:taskId", read)
    .add("PATCH", "/api/internal/tasks/:taskId", update, { bodyLimit: TASK_BODY_LIMIT });
}

function list(ctx: ApiContext): ApiResult {
  const query = parseInput(listTasksQuerySchema, queryObject(ctx.query), "query");
  return { data: ctx.services.tasks.list({ status: query.status, limit: query.limit, offset: query.offset }).map(taskView) };
}

async function create(ctx: ApiContext): Promise<ApiResult> {
  const body = parseInput(createTaskBodySchema, await ctx.body(), "body");
  await ctx.services.workspaces.checkBaseBranch({ cwd: body.cwd, isolation: body.isolation ?? null, baseBranch: body.baseBranch ?? null });
  const task = ctx.services.tasks.create({
    title: body.title,
    cwd: body.cwd,
    prompt: body.prompt,
    description: body.description,
    profileId: body.profile === undefined ? undefined : profileId(ctx.services, body.profile),
    isolation: body.isolation ?? null,
    baseBranch: body.baseBranch ?? null,
  });
  return { status: 201, data: { ...taskView(task), workspace: null } };
}

function read(ctx: ApiContext): ApiResult {
  const task = ctx.services.tasks.get(parseTaskId(ctx.params.taskId));
  return { data: { ...taskView(task), workspace: ctx.services.workspaces.workspaceOf(task.id) ?? null } };
}

async function update(ctx: ApiContext): Promise<ApiResult> {
  const taskId = parseTaskId(ctx.params.taskId);
  const body = parseInput(updateTaskBodySchema, (await ctx.body()) ?? {}, "body");
  const { tasks } = ctx.services;
  let task = tasks.get(taskId);
  const fields = {
    title: body.title,
    cwd: body.cwd,
    prompt: body.prompt,
    description: body.description,
    profileId: body.profile === undefined ? undefined : body.profile === null ? null : profileId(ctx.services, body.profile),
    isolation: body.isolation,
    baseBranch: body.baseBranch,
  };
  if (Object.values(fields).some((value) => value !== undefined)) {
    await ctx.services.workspaces.checkBaseBranch(fields, task);
    task = tasks.update(taskId, fields);
  }
  // Status goes through setStatus, the same path agent reports take, so its message travels with it.
  if (body.status !== undefined || body.statusMessage !== undefined) {
    task = tasks.setStatus(taskId, body.status ?? task.status, body.statusMessage);
  }
  return { data: taskView(task) };
}

/** A profile named in a body that does not exist is bad input (400), not a missing resource. */
function profileId(services: Services, ref: string): string {
  try {
    return services.profiles.resolve(ref).id;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found:profile") throw new AppError("bad_request:profile", `profile: ${error.message}`);
    throw error;
  }
}
