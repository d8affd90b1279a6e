/**
 * The workspace contract: what the git layer (src/workspace/*), the services, the internal API,
 * MCP and the browser exchange about a task's worktree, its changes and its landing.
 * Plain types and constants only: safe to import from client components.
 */

export const ISOLATION_MODES = ["worktree", "none"] as const;
/** `worktree`: the task runs in its own git worktree and branch; `none`: in its cwd, as is. */
export type IsolationMode = (typeof ISOLATION_MODES)[number];

export const MERGE_STRATEGIES = ["fast-forward", "merge", "squash"] as const;
export type MergeStrategy = (typeof MERGE_STRATEGIES)[number];

/** Where an isolated task works. Paths are absolute. */
export interface TaskWorkspace {
  /** The main checkout's top-level directory (where the base branch is checked out). */
  repoRoot: string;
  /** The task's worktree directory. */
  worktreePath: string;
  /** The task's branch, e.g. `ai/fix-login-1a2b3c4d`. */
  branch: string;
  /** The branch the task started from and lands into, e.g. `main`. */
  baseBranch: string;
  /** cwd relative to the repository root ("" for the root): the terminal starts there in the worktree. */
  subdir: string;
}

/** What is wrong with a workspace on disk, if anything (reported on the task, never a crash). */
export type WorkspaceHealth =
  | { state: "ok" }
  | { state: "missing_worktree"; message: string }
  | { state: "missing_branch"; message: string }
  | { state: "missing_repository"; message: string };

export const FILE_CHANGE_KINDS = ["added", "modified", "deleted", "renamed", "copied", "type_changed"] as const;
export type FileChangeKind = (typeof FILE_CHANGE_KINDS)[number];

/** One changed file against the merge base (committed, uncommitted and untracked together). */
export interface ChangedFile {
  path: string;
  /** For renames and copies: the path in the merge base. */
  oldPath: string | null;
  kind: FileChangeKind;
  /** null for binary files. */
  added: number | null;
  removed: number | null;
  binary: boolean;
  /** Where the change lives: any mix of committed on the branch, uncommitted (index or tree), untracked. */
  committed: boolean;
  uncommitted: boolean;
  untracked: boolean;
}

export interface ChangesSummary {
  baseBranch: string;
  branch: string;
  /** The merge base commit the files are compared against. */
  mergeBase: string;
  /** Commits on the branch that the base does not have. */
  commitsAhead: number;
  /** Commits on the base since the merge base (a fast-forward is impossible when > 0). */
  commitsBehind: number;
  files: ChangedFile[];
  totals: { files: number; added: number; removed: number };
  /** When this was computed (ms since the epoch). */
  computedAt: number;
}

/** One file's unified diff (git's text, `diff --git` header included), possibly cut. */
export interface FileDiff {
  path: string;
  binary: boolean;
  /** Unified diff text; "" for binary files. */
  diff: string;
  /** Lines in the full diff, and whether `diff` holds fewer than that. */
  totalLines: number;
  truncated: boolean;
}

/** A person's comment on diff lines, waiting to be sent to the agent. */
export interface ReviewComment {
  path: string;
  /** Line numbers in the new file (first..last); for a removed line, the old file's number. */
  startLine: number;
  endLine: number;
  side: "new" | "old";
  text: string;
}

/** What deleting a task would throw away: shown before anything is removed. */
export interface WorkspaceLossReport {
  /** Files with uncommitted changes or untracked (not ignored) in the worktree. */
  uncommittedFiles: string[];
  /** Commits on the branch not reachable from the base branch (subjects, newest first). */
  unmergedCommits: Array<{ sha: string; subject: string }>;
}

/**
 * A worktree kept when its task was deleted, as git sees it: what removing it would throw away.
 * Its branch is never removed with it, so only work outside any branch counts.
 */
export interface KeptWorktreeReport {
  path: string;
  /** The main checkout of the repository the worktree belongs to. */
  repoRoot: string;
  /** The branch checked out there; null for a detached HEAD. */
  branch: string | null;
  /** Files with uncommitted changes or untracked (not ignored), as for a task's worktree. */
  uncommittedFiles: string[];
  /** With a detached HEAD: its commits that no branch or tag has (newest first). */
  detachedCommits: Array<{ sha: string; subject: string }>;
}
