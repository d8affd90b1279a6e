import "server-only";
import { AppError } from "../../lib/errors";
import type { MergeResult } from "../../workspace/landing";
import type { TaskWorkspace } from "../../workspace/types";
import { getServices } from "../registry";

/** The review UI's one door to the workspace backend (`getServices().review` and `.workspaces`). */

export type MergeRefusalReason = Extract<MergeResult, { ok: false }>["reason"];
export type MergeOutcome = MergeResult;
export type PullRequestOutcome = Awaited<ReturnType<ReturnType<typeof getServices>["review"]["pullRequest"]>>;

/** The review service; `unavailable:workspaces` when the running services have none (never in the app). */
export function reviewService() {
  const { review } = getServices() as Partial<ReturnType<typeof getServices>>;
  if (!review) throw new AppError("unavailable:workspaces", "Workspaces are not available in this build of AI Manager.");
  return review;
}

/** The task's workspace, or undefined when it runs in place. */
export function findWorkspace(taskId: string): TaskWorkspace | undefined {
  const { workspaces } = getServices() as Partial<ReturnType<typeof getServices>>;
  return workspaces?.workspaceOf(taskId);
}

/** The task's workspace; throws `not_found:workspace` when it runs in place. */
export function requireWorkspace(taskId: string): TaskWorkspace {
  const workspace = findWorkspace(taskId);
  if (!workspace) throw new AppError("not_found:workspace", "This task runs in place: it has no worktree to review.");
  return workspace;
}
