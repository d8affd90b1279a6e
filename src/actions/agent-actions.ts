"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isAppError, validationError, type ActionResult } from "@/lib/errors";
import { promptSchema, taskIdSchema } from "@/lib/schemas/task-schemas";
import { getServices } from "@/server/registry";

/** Start, resume and stop a task's terminal. Thin: parse, call the terminal service, report. */

export interface ExecutionSummary {
  executionId: string;
  taskId: string;
  status: string;
  commandLine: string;
}

const sessionIdSchema = z.string().trim().max(128, "is too long").optional();

function fail(error: unknown): Extract<ActionResult<never>, { ok: false }> {
  if (isAppError(error)) return { ok: false, code: error.code, message: error.message, fields: error.fields };
  getServices().logger.error({ err: error }, "agent action failed");
  return { ok: false, code: "internal", message: "Something went wrong on the server; see its log." };
}

function refresh(taskId: string): void {
  revalidatePath("/");
  revalidatePath(`/tasks/${taskId}`);
}

export async function startPtyExecution(taskId: string, prompt?: string): Promise<ActionResult<ExecutionSummary>> {
  const parsed = z.object({ taskId: taskIdSchema, prompt: promptSchema.optional() }).safeParse({ taskId, prompt });
  if (!parsed.success) return fail(validationError("start", parsed.error.issues));
  try {
    const execution = await getServices().terminals.start(parsed.data.taskId, { prompt: parsed.data.prompt });
    refresh(parsed.data.taskId);
    return {
      ok: true,
      data: { executionId: execution.id, taskId: execution.taskId, status: execution.status, commandLine: execution.commandLine },
    };
  } catch (error) {
    return fail(error);
  }
}

export async function resumePtyExecution(taskId: string, sessionId?: string): Promise<ActionResult<ExecutionSummary>> {
  const parsed = z.object({ taskId: taskIdSchema, sessionId: sessionIdSchema }).safeParse({ taskId, sessionId });
  if (!parsed.success) return fail(validationError("resume", parsed.error.issues));
  try {
    const execution = await getServices().terminals.resume(parsed.data.taskId, parsed.data.sessionId || undefined);
    refresh(parsed.data.taskId);
    return {
      ok: true,
      data: { executionId: execution.id, taskId: execution.taskId, status: execution.status, commandLine: execution.commandLine },
    };
  } catch (error) {
    return fail(error);
  }
}

export async function stopPtyExecution(taskId: string): Promise<ActionResult<ExecutionSummary>> {
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) return fail(validationError("stop", parsed.error.issues));
  try {
    const execution = await getServices().terminals.stop(parsed.data);
    refresh(parsed.data);
    return {
      ok: true,
      data: { executionId: execution.id, taskId: execution.taskId, status: execution.status, commandLine: execution.commandLine },
    };
  } catch (error) {
    return fail(error);
  }
}

/** Missions' "Stop all": stops every running session at once; exited ones are left to be viewed. */
export async function stopAllPtyExecutions(): Promise<ActionResult<{ stopped: number }>> {
  try {
    const stopped = await getServices().terminals.stopAll();
    revalidatePath("/");
    revalidatePath("/missions");
    return { ok: true, data: { stopped } };
  } catch (error) {
    return fail(error);
  }
}
