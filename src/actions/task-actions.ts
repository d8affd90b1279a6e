"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ActionResult } from "@/lib/errors";
import { setTaskStatusSchema, taskEditFormSchema, taskFormSchema, taskIdSchema } from "@/lib/schemas/task-schemas";
import { removeWorkspaceSchema } from "@/lib/schemas/workspace-schemas";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";
import { deleteTaskWithWorkspace } from "@/server/workspaces/delete-task";

/** Task mutations for the board and the task page. Every one validates its input first. */

export async function createTask(input: unknown): Promise<ActionResult<{ id: string }>> {
  const parsed = taskFormSchema.safeParse(input);
  if (!parsed.success) return invalidInput("task", parsed.error.issues);
  try {
    const services = getServices();
    await services.workspaces.checkBaseBranch(parsed.data);
    const task = services.tasks.create(parsed.data);
    revalidatePath("/");
    return { ok: true, data: { id: task.id } };
  } catch (error) {
    return actionFailure(error, "createTask");
  }
}

export async function updateTask(id: unknown, input: unknown): Promise<ActionResult<{ id: string }>> {
  const parsedId = taskIdSchema.safeParse(id);
  if (!parsedId.success) return invalidInput("task", parsedId.error.issues);
  const parsed = taskEditFormSchema.safeParse(input);
  if (!parsed.success) return invalidInput("task", parsed.error.issues);
  try {
    const services = getServices();
    await services.workspaces.checkBaseBranch(parsed.data, services.tasks.get(parsedId.data));
    const task = services.tasks.update(parsedId.data, parsed.data);
    revalidatePath("/");
    revalidatePath(`/tasks/${task.id}`);
    return { ok: true, data: { id: task.id } };
  } catch (error) {
    return actionFailure(error, "updateTask");
  }
}

export async function setTaskStatus(input: unknown): Promise<ActionResult> {
  const parsed = setTaskStatusSchema.safeParse(input);
  if (!parsed.success) return invalidInput("task", parsed.error.issues);
  try {
    getServices().tasks.update(parsed.data.id, { status: parsed.data.status });
    revalidatePath("/");
    revalidatePath(`/tasks/${parsed.data.id}`);
    return { ok: true };
  } catch (error) {
    return actionFailure(error, "setTaskStatus");
  }
}

/**
 * Deletes the task and navigates to the board. Redirecting from here (rather than from the client
 * after an ok result) makes the response carry the board itself: re-rendering the current page
 * would briefly show the deleted task's "not found".
 *
 * A task with a worktree needs `workspace`: what to do with the worktree and the branch, and
 * whether the loss the dialog showed is confirmed. The workspace is dealt with first; if that
 * refuses (`conflict:workspace_loss`), the task stays.
 */
export async function deleteTask(id: unknown, workspace?: unknown): Promise<ActionResult> {
  const parsedId = taskIdSchema.safeParse(id);
  if (!parsedId.success) return invalidInput("task", parsedId.error.issues);
  const parsedChoice = removeWorkspaceSchema.optional().safeParse(workspace);
  if (!parsedChoice.success) return invalidInput("workspace", parsedChoice.error.issues);
  try {
    await deleteTaskWithWorkspace(getServices(), parsedId.data, parsedChoice.data);
  } catch (error) {
    return actionFailure(error, "deleteTask");
  }
  revalidatePath("/");
  redirect("/");
}
