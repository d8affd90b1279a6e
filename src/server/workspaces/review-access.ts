import "server-only";
import { AppError } from "../../lib/errors";
import type { ChangesSummary, FileDiff, MergeStrategy, TaskWorkspace } from "../../workspace/types";
import { getServices } from "../registry";

/**
 * The review UI's one door to the workspace backend (`getServices().review` and
 * `getServices().workspaces`). Those services are composed in services.ts by another branch; until
 * they are, this module declares the slice of them the UI uses and reads them off the services
 * object untyped, so this branch typechecks on its own.
 *
 * On wiring: replace `ReviewBackend`/`WorkspaceLookup` with the real types (WorkspaceReviewService,
 * the workspace service) and the cast with `getServices().review` / `.workspaces`.
 */

export type MergeRefusalReason = "base_dirty" | "conflict" | "not_fast_forward" | "nothing_to_merge" | "uncommitted";

export type MergeOutcome =
  | { ok: true; sha: string; strategy: MergeStrategy }
  | { ok: false; reason: MergeRefusalReason; message: string; files: string[] };

export type PullRequestOutcome = { kind: "created"; url: string } | { kind: "manual"; command: string; reason: string };

export interface ReviewBackend {
  changes(taskId: string): Promise<ChangesSummary>;
  fileDiff(taskId: string, path: string, maxLines: number): Promise<FileDiff>;
  commit(taskId: string, message: string): Promise<{ sha: string }>;
  merge(taskId: string, strategy: MergeStrategy, message?: string): Promise<MergeOutcome>;
  push(taskId: string): Promise<{ output: string }>;
  pullRequest(taskId: string, input: { title: string; body: string }): Promise<PullRequestOutcome>;
}

export interface WorkspaceLookup {
  workspaceOf(taskId: string): TaskWorkspace | undefined;
}

type WithWorkspaceServices = { review?: ReviewBackend; workspaces?: WorkspaceLookup };

function backend(): WithWorkspaceServices {
  return getServices() as unknown as WithWorkspaceServices;
}

/** The review service; throws `unavailable:workspaces` when this build has none. */
export function reviewService(): ReviewBackend {
  const review = backend().review;
  if (!review) throw new AppError("unavailable:workspaces", "Workspaces are not available in this build of AI Manager.");
  return review;
}

/** The task's workspace, or undefined when it has none (or this build has no workspaces at all). */
export function findWorkspace(taskId: string): TaskWorkspace | undefined {
  const workspaces = backend().workspaces;
  if (!workspaces) return undefined;
  return workspaces.workspaceOf(taskId);
}

/** The task's workspace; throws `not_found:workspace` when it runs in place. */
export function requireWorkspace(taskId: string): TaskWorkspace {
  const workspaces = backend().workspaces;
  if (!workspaces) throw new AppError("unavailable:workspaces", "Workspaces are not available in this build of AI Manager.");
  const workspace = workspaces.workspaceOf(taskId);
  if (!workspace) throw new AppError("not_found:workspace", "This task runs in place: it has no worktree to review.");
  return workspace;
}
