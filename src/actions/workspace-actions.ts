"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/errors";
import { taskIdSchema } from "@/lib/schemas/task-schemas";
import { repoSettingsFormSchema } from "@/lib/schemas/workspace-schemas";
import type { TaskWorkspace, WorkspaceHealth, WorkspaceLossReport } from "@/workspace/types";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";
import type { CleanupResult, RepoSettings } from "@/server/workspaces/workspace-service";

/** Workspace actions for the task page and Settings: repair, what a delete would lose, repo settings, cleanup. */

export async function repairWorkspace(taskId: unknown): Promise<ActionResult<{ workspace: TaskWorkspace; health: WorkspaceHealth }>> {
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) return invalidInput("workspace", parsed.error.issues);
  try {
    const { workspaces } = getServices();
    const workspace = await workspaces.repair(parsed.data);
    const health = await workspaces.health(parsed.data);
    revalidatePath(`/tasks/${parsed.data}`);
    return { ok: true, data: { workspace, health } };
  } catch (error) {
    return actionFailure(error, "repairWorkspace");
  }
}

/** For the delete dialog: the task's workspace (null when it has none) and what removing it would lose. */
export async function workspaceLossReport(
  taskId: unknown,
): Promise<ActionResult<{ workspace: TaskWorkspace | null; loss: WorkspaceLossReport | null }>> {
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) return invalidInput("workspace", parsed.error.issues);
  try {
    const { workspaces } = getServices();
    const workspace = workspaces.workspaceOf(parsed.data) ?? null;
    const loss = workspace ? await workspaces.lossReport(parsed.data) : null;
    return { ok: true, data: { workspace, loss } };
  } catch (error) {
    return actionFailure(error, "workspaceLossReport");
  }
}

export async function updateRepoSettings(input: unknown): Promise<ActionResult<RepoSettings>> {
  const parsed = repoSettingsFormSchema.safeParse(input);
  if (!parsed.success) return invalidInput("repo_settings", parsed.error.issues);
  try {
    const saved = await getServices().workspaces.updateRepoSettings(parsed.data.repoRoot, {
      copyFiles: parsed.data.copyFiles,
      setupCommand: parsed.data.setupCommand,
    });
    revalidatePath("/settings");
    return { ok: true, data: saved };
  } catch (error) {
    return actionFailure(error, "updateRepoSettings");
  }
}

export async function cleanupWorkspaces(taskIds: unknown): Promise<ActionResult<CleanupResult>> {
  const parsed = z.array(taskIdSchema).max(1_000).safeParse(taskIds);
  if (!parsed.success) return invalidInput("workspace", parsed.error.issues);
  try {
    const result = await getServices().workspaces.cleanup(parsed.data);
    revalidatePath("/settings");
    return { ok: true, data: result };
  } catch (error) {
    return actionFailure(error, "cleanupWorkspaces");
  }
}
