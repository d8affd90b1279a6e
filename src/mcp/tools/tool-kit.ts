import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ApiOutcome, InternalApiClient } from "../api-client";

/** What every tool needs: the API client and the task the tools default to. */
export interface ToolDeps {
  client: InternalApiClient;
  defaultTaskId?: string;
}

export const taskIdArg = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a task id (letters, digits, - and _)")
  .optional()
  .describe("Task id. Defaults to AI_MANAGER_TASK_ID, the task whose terminal this agent runs in.");

export function text(value: string): CallToolResult {
  return { content: [{ type: "text", text: value }] };
}

export function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** The task to act on, or a failure saying how to name one. */
export function taskIdFor(deps: ToolDeps, taskId: string | undefined): { ok: true; id: string } | { ok: false; result: CallToolResult } {
  const id = taskId ?? deps.defaultTaskId;
  if (id) return { ok: true, id };
  return { ok: false, result: failure("taskId is required: AI_MANAGER_TASK_ID is not set here. Find ids with list_tasks.") };
}

/** Turns an API outcome into a tool result: the formatted data, or the API's message as an error. */
export function resultOf<T>(outcome: ApiOutcome<T>, format: (data: T) => string): CallToolResult {
  return outcome.ok ? text(format(outcome.data)) : failure(outcome.message);
}

export function taskPath(id: string, suffix = ""): string {
  return `/api/internal/terminal/${encodeURIComponent(id)}${suffix}`;
}
