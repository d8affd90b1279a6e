import { AppError } from "../../lib/errors";
import { removeWorkspaceSchema } from "../../lib/schemas/workspace-schemas";
import type { Services } from "../services";

/**
 * Deleting a task, its workspace first. A task with a worktree needs the person's choice (what to
 * do with the worktree and the branch, and whether the shown loss is confirmed); if the workspace
 * step refuses (`conflict:workspace_loss`), the task stays as it was. A running terminal is
 * stopped before its worktree is removed.
 */
export async function deleteTaskWithWorkspace(
  services: Pick<Services, "tasks" | "workspaces" | "sessions" | "terminals">,
  taskId: string,
  choice: unknown,
): Promise<void> {
  services.tasks.get(taskId);
  if (services.workspaces.workspaceOf(taskId)) {
    if (choice === undefined) {
      throw new AppError("conflict:workspace_choice", "This task has a worktree: choose what to do with the worktree and its branch before deleting it.");
    }
    const parsed = removeWorkspaceSchema.safeParse(choice);
    if (!parsed.success) throw new AppError("bad_request:workspace", "Say whether to remove the worktree and the branch, and whether the loss is confirmed.");
    if (parsed.data.removeWorktree || parsed.data.deleteBranch) {
      if (services.sessions.get(taskId)?.running) await services.terminals.stop(taskId);
      await services.workspaces.remove(taskId, parsed.data);
    }
  }
  services.tasks.delete(taskId);
}
