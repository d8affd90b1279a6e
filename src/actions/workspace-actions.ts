"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError, type ActionResult } from "@/lib/errors";
import { taskIdSchema } from "@/lib/schemas/task-schemas";
import { keptWorktreePathSchema, removeKeptWorktreeSchema, removeWorkspaceSchema, repoSettingsFormSchema } from "@/lib/schemas/workspace-schemas";
import type { KeptWorktreeReport, TaskWorkspace, WorkspaceHealth, WorkspaceLossReport } from "@/workspace/types";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";
import type { CleanupResult, RepoSettings } from "@/server/workspaces/workspace-service";

/** Workspace actions for the task page and Settings: repair, discard, what a removal would lose, repo settings, cleanup, kept worktrees. */

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

const discardChoiceSchema = removeWorkspaceSchema.omit({ removeWorktree: true });

/**
 * Removes an isolated task's worktree (and its branch, when asked) so that its next start begins
 * again in a fresh one. Refused while its terminal runs, and without `confirmLoss` when uncommitted
 * files or unmerged commits would go (the service names them).
 */
export async function discardWorkspace(taskId: unknown, choice: unknown): Promise<ActionResult<{ removed: true }>> {
  const id = taskIdSchema.safeParse(taskId);
  if (!id.success) return invalidInput("workspace", id.error.issues);
  const parsed = discardChoiceSchema.safeParse(choice);
  if (!parsed.success) return invalidInput("workspace", parsed.error.issues);
  try {
    const { tasks, workspaces } = getServices();
    tasks.get(id.data);
    if (!workspaces.workspaceOf(id.data)) throw new AppError("not_found:workspace", "This task has no worktree (any more): its next start creates one.");
    await workspaces.remove(id.data, { removeWorktree: true, ...parsed.data });
    revalidatePath(`/tasks/${id.data}`);
    return { ok: true, data: { removed: true } };
  } catch (error) {
    return actionFailure(error, "discardWorkspace");
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

/** For Settings' Remove dialog: a kept worktree's repository, branch and what removing it would lose. */
export async function keptWorktreeReport(dir: unknown): Promise<ActionResult<KeptWorktreeReport>> {
  const parsed = keptWorktreePathSchema.safeParse(dir);
  if (!parsed.success) return invalidInput("worktree", parsed.error.issues);
  try {
    return { ok: true, data: await getServices().workspaces.keptWorktreeReport(parsed.data) };
  } catch (error) {
    return actionFailure(error, "keptWorktreeReport");
  }
}

/**
 * Removes a worktree kept from a deleted task (never its branch). Refused without `confirmLoss`
 * when uncommitted files would go (the service names them).
 */
export async function removeKeptWorktree(dir: unknown, choice: unknown): Promise<ActionResult<{ path: string; branch: string | null }>> {
  const parsedDir = keptWorktreePathSchema.safeParse(dir);
  if (!parsedDir.success) return invalidInput("worktree", parsedDir.error.issues);
  const parsed = removeKeptWorktreeSchema.safeParse(choice);
  if (!parsed.success) return invalidInput("worktree", parsed.error.issues);
  try {
    const report = await getServices().workspaces.removeKeptWorktree(parsedDir.data, parsed.data);
    revalidatePath("/settings");
    return { ok: true, data: { path: report.path, branch: report.branch } };
  } catch (error) {
    return actionFailure(error, "removeKeptWorktree");
  }
}
