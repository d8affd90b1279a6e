import fs from "node:fs";
import path from "node:path";
import { AppError } from "../lib/errors";
import { DEFAULT_DIFF_MAX_LINES, fileDiff, listChanges } from "./changes";
import { commitAll, merge, openPullRequest, push, type CommitResult, type MergeResult, type PullRequestInput, type PullRequestResult, type PushResult } from "./landing";
import type { ChangesSummary, FileDiff, MergeStrategy, TaskWorkspace } from "./types";

export interface WorkspaceReviewDeps {
  /** The task's workspace, or undefined when the task runs without a worktree. */
  workspaceOf: (taskId: string) => TaskWorkspace | undefined;
}

/**
 * Reviewing and landing a task's work, by task id: what changed, one file's diff, commit, merge,
 * push, pull request. Operations that write (commit, merge, push, pull request) run one at a time
 * per repository, so two merges into one base can never interleave; reads run freely (git's reads
 * see a consistent snapshot, and the changes view polls while a long push may be running).
 */
export class WorkspaceReviewService {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: WorkspaceReviewDeps) {}

  async changes(taskId: string): Promise<ChangesSummary> {
    return listChanges(this.workspace(taskId));
  }

  async fileDiff(taskId: string, filePath: string, maxLines: number = DEFAULT_DIFF_MAX_LINES): Promise<FileDiff> {
    return fileDiff(this.workspace(taskId), filePath, { maxLines });
  }

  async commit(taskId: string, message: string): Promise<CommitResult> {
    const ws = this.workspace(taskId);
    return this.serial(ws, () => commitAll(ws, message));
  }

  async merge(taskId: string, strategy: MergeStrategy, message?: string): Promise<MergeResult> {
    const ws = this.workspace(taskId);
    return this.serial(ws, () => merge(ws, strategy, { message }));
  }

  async push(taskId: string): Promise<PushResult> {
    const ws = this.workspace(taskId);
    return this.serial(ws, () => push(ws));
  }

  async pullRequest(taskId: string, input: PullRequestInput): Promise<PullRequestResult> {
    const ws = this.workspace(taskId);
    return this.serial(ws, () => openPullRequest(ws, input));
  }

  private workspace(taskId: string): TaskWorkspace {
    const ws = this.deps.workspaceOf(taskId);
    if (!ws) {
      throw new AppError(
        "not_found:workspace",
        `Task ${taskId} has no worktree: it runs in its own directory, so there are no changes to review or land here.`,
      );
    }
    // Said plainly rather than as git's "not a git repository: …/.git/worktrees/…".
    if (!fs.existsSync(ws.repoRoot)) {
      throw new AppError(
        "conflict:workspace",
        `The repository ${ws.repoRoot} is gone or was moved: it is no longer a git working tree. Move it back to review or land this task's work.`,
      );
    }
    if (!fs.existsSync(ws.worktreePath)) {
      throw new AppError("conflict:workspace", `The worktree ${ws.worktreePath} is gone. Repair on the task page checks ${ws.branch} out there again.`);
    }
    return ws;
  }

  /** Runs `work` after every earlier write on the same repository has settled. */
  private serial<T>(ws: TaskWorkspace, work: () => Promise<T>): Promise<T> {
    const key = path.resolve(ws.repoRoot);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}
