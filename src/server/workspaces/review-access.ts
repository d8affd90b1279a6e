import "server-only";
import { AppError } from "../../lib/errors";
import type { MergeResult } from "../../workspace/landing";
import type { TaskWorkspace } from "../../workspace/types";
import { getServices } from "../registry";

/** The review UI's one door to the workspace backend (`getServices().review` and `.workspaces`). */

export type MergeRefusalReason = Extract<MergeResult, { ok: false }>["reason"];
export type MergeOutcome = MergeResult;
export type PullRequestOutcome = Awaited<ReturnType<ReturnType<typeof getServices>["review"]["pullRequest"]>>;

export function reviewService() {
  return getServices().review;
}

/** The task's workspace, or undefined when it runs in place. */
export function findWorkspace(taskId: string): TaskWorkspace | undefined {
  return getServices().workspaces.workspaceOf(taskId);
}

/** The task's workspace; throws `not_found:workspace` when it runs in place. */
export function requireWorkspace(taskId: string): TaskWorkspace {
  const workspace = findWorkspace(taskId);
  if (!workspace) throw new AppError("not_found:workspace", "This task runs in place: it has no worktree to review.");
  return workspace;
}

/**
 * Why the task's workspace cannot be read (worktree removed by hand, branch deleted, repository
 * moved), as the task page's Workspace panel says it; undefined when it is healthy or has none.
 */
export async function workspaceProblem(taskId: string): Promise<AppError | undefined> {
  if (!findWorkspace(taskId)) return undefined;
  const health = await getServices()
    .workspaces.health(taskId)
    .catch(() => undefined);
  if (!health || health.state === "ok") return undefined;
  // A moved repository cannot be repaired from here (its message says to move it back).
  const hint = health.state === "missing_repository" ? "" : " Use Repair in the Workspace panel below.";
  return new AppError("conflict:workspace", `${health.message}${hint}`);
}
