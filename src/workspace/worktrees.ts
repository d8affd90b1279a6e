import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../lib/errors";
import { git, gitTest, gitText } from "./git";
import type { WorkspaceLossReport } from "./types";

/**
 * Git-level worktree operations. Every ref is passed fully qualified (`refs/heads/<name>`) where git
 * takes a revision, names never start with `-` (callers validate), and paths come after `--`.
 */

/** The top-level directory of the repository holding `dir`, or null when `dir` is not in one. */
export async function findRepoRoot(dir: string): Promise<string | null> {
  try {
    const top = await gitText(["rev-parse", "--show-toplevel"], { cwd: dir });
    return top === "" ? null : path.resolve(top);
  } catch (error) {
    if (isAppError(error) && error.code === "bad_request:git") return null; // "not a git repository"
    throw error;
  }
}

/** True when `dir` is the top of a git working tree (main or linked). */
export async function isWorkTreeTop(dir: string): Promise<boolean> {
  if (!fs.existsSync(dir)) return false;
  const top = await findRepoRoot(dir);
  return top !== null && samePath(top, dir);
}

export function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The branch checked out in `repoRoot`; a detached HEAD is a clear error. */
export async function currentBranch(repoRoot: string): Promise<string> {
  const result = await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd: repoRoot, okExitCodes: [0, 1] });
  const name = result.stdout.trim();
  if (result.exitCode !== 0 || name === "") {
    throw new AppError(
      "bad_request:base_branch",
      `The repository at ${repoRoot} has a detached HEAD: there is no current branch to start from. Check out a branch there, or give the task a base branch.`,
      { baseBranch: "required: the repository has a detached HEAD" },
    );
  }
  return name;
}

export function branchExists(repoRoot: string, branch: string): Promise<boolean> {
  return gitTest(["show-ref", "--verify", "--quiet", `refs/heads/${branch}`], { cwd: repoRoot });
}

/** Creates `branch` from `base` and checks it out in a new worktree at `worktreePath`. */
export async function addWorktreeWithNewBranch(repoRoot: string, worktreePath: string, branch: string, base: string): Promise<void> {
  fs.mkdirSync(path.dirname(worktreePath), { recursive: true, mode: 0o700 });
  await git(["worktree", "add", "--quiet", "-b", branch, "--", worktreePath, `refs/heads/${base}`], { cwd: repoRoot });
}

/** Checks out an existing `branch` in a new worktree at `worktreePath`. */
export async function addWorktreeForBranch(repoRoot: string, worktreePath: string, branch: string): Promise<void> {
  fs.mkdirSync(path.dirname(worktreePath), { recursive: true, mode: 0o700 });
  // A bare branch name checks the branch out; `refs/heads/…` would detach. Our names start with `ai/`.
  await git(["worktree", "add", "--quiet", "--", worktreePath, branch], { cwd: repoRoot });
}

/** Creates `branch` at `startPoint` (a commit or a fully qualified ref) without checking it out. */
export async function createBranch(repoRoot: string, branch: string, startPoint: string): Promise<void> {
  await git(["branch", "--no-track", branch, startPoint], { cwd: repoRoot });
}

/** Forgets worktrees whose directories are gone (so one can be added again at the same path). */
export async function pruneWorktrees(repoRoot: string): Promise<void> {
  await git(["worktree", "prune"], { cwd: repoRoot });
}

/** The worktree paths git knows for this repository (resolved). */
export async function listWorktrees(repoRoot: string): Promise<string[]> {
  const text = await gitText(["worktree", "list", "--porcelain", "-z"], { cwd: repoRoot });
  return text
    .split("\0")
    .filter((field) => field.startsWith("worktree "))
    .map((field) => path.resolve(field.slice("worktree ".length)));
}

export async function isRegisteredWorktree(repoRoot: string, worktreePath: string): Promise<boolean> {
  const list = await listWorktrees(repoRoot);
  return list.some((entry) => samePath(entry, worktreePath));
}

/**
 * The repository directory a worktree shares with its main checkout (`<repo>/.git` for the
 * worktrees this app makes), absolute; null when git does not see `worktreePath` as a worktree.
 */
export async function commonGitDir(worktreePath: string): Promise<string | null> {
  try {
    // The ceiling keeps git from answering for a repository the directory merely sits inside.
    const dir = await gitText(["rev-parse", "--git-common-dir"], {
      cwd: worktreePath,
      env: { GIT_CEILING_DIRECTORIES: path.dirname(path.resolve(worktreePath)) },
    });
    return dir === "" ? null : path.resolve(worktreePath, dir);
  } catch (error) {
    if (isAppError(error) && error.code === "bad_request:git") return null;
    throw error;
  }
}

/** The branch checked out in a worktree, or null for a detached HEAD. */
export async function checkedOutBranch(worktreePath: string): Promise<string | null> {
  const result = await git(["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd: worktreePath, okExitCodes: [0, 1] });
  const name = result.stdout.trim();
  return result.exitCode === 0 && name !== "" ? name : null;
}

/**
 * Commits a worktree's detached HEAD reaches that no branch, tag or remote-tracking branch has
 * (newest first): they are only reachable from that HEAD, which goes with the worktree.
 */
export async function detachedOnlyCommits(worktreePath: string): Promise<Array<{ sha: string; subject: string }>> {
  const text = await gitText(["log", "--format=%H%x1f%s", "HEAD", "--not", "--branches", "--tags", "--remotes", "--"], { cwd: worktreePath });
  return commitLines(text);
}

/** Files with uncommitted changes (index or tree) or untracked and not ignored, in a worktree. */
export async function uncommittedFiles(worktreePath: string): Promise<string[]> {
  const text = await gitText(["status", "--porcelain=v1", "-z", "--untracked-files=all"], { cwd: worktreePath });
  const files: string[] = [];
  const fields = text.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    const status = field.slice(0, 2);
    files.push(field.slice(3));
    // Renames and copies carry the old path in the next field.
    if (status[0] === "R" || status[0] === "C") i++;
  }
  return files;
}

/**
 * Commits on `branch` that `base` does not have (newest first). When the base branch is gone,
 * commits that no other local branch has.
 */
export async function unmergedCommits(repoRoot: string, branch: string, base: string): Promise<Array<{ sha: string; subject: string }>> {
  // A squash merge (or cherry-picks) lands the work without the commits: nothing would be lost.
  if ((await branchExists(repoRoot, base)) && (await contentLanded(repoRoot, branch, base))) return [];
  const exclusion = (await branchExists(repoRoot, base))
    ? [`^refs/heads/${base}`]
    : ["--not", `--exclude=refs/heads/${branch}`, "--branches"];
  const text = await gitText(["log", "--format=%H%x1f%s", `refs/heads/${branch}`, ...exclusion, "--"], { cwd: repoRoot });
  return commitLines(text);
}

/**
 * True when `branch` is landed in `base`: every commit is in it (a fast-forward or merge), or its
 * content is (a squash merge, cherry-picks) — merging it again would change nothing.
 */
export async function isMerged(repoRoot: string, branch: string, base: string): Promise<boolean> {
  if (!(await branchExists(repoRoot, base)) || !(await branchExists(repoRoot, branch))) return false;
  if (await gitTest(["merge-base", "--is-ancestor", `refs/heads/${branch}`, `refs/heads/${base}`], { cwd: repoRoot })) return true;
  return contentLanded(repoRoot, branch, base);
}

/** Merging `branch` into `base` would give `base`'s own tree (computed in memory: nothing is touched). */
async function contentLanded(repoRoot: string, branch: string, base: string): Promise<boolean> {
  const merged = await git(["merge-tree", "--write-tree", `refs/heads/${base}`, `refs/heads/${branch}`], { cwd: repoRoot, okExitCodes: [0, 1] });
  if (merged.exitCode !== 0) return false; // conflicts: certainly not landed
  const tree = merged.stdout.split("\n")[0]?.trim();
  const baseTree = await gitText(["rev-parse", `refs/heads/${base}^{tree}`], { cwd: repoRoot });
  return tree === baseTree;
}

/** What removing this worktree and branch would throw away. Parts that are already gone count as nothing. */
export async function lossOf(repoRoot: string, worktreePath: string, branch: string, base: string): Promise<WorkspaceLossReport> {
  const files = fs.existsSync(worktreePath) && (await isWorkTreeTop(worktreePath)) ? await uncommittedFiles(worktreePath) : [];
  const commits = (await branchExists(repoRoot, branch)) ? await unmergedCommits(repoRoot, branch, base) : [];
  return { uncommittedFiles: files, unmergedCommits: commits };
}

/** `git worktree remove` (with `--force` only when the caller confirmed the loss of uncommitted work). */
export async function removeWorktree(repoRoot: string, worktreePath: string, force: boolean): Promise<void> {
  await git(["worktree", "remove", ...(force ? ["--force"] : []), "--", worktreePath], { cwd: repoRoot });
}

export async function deleteBranch(repoRoot: string, branch: string): Promise<void> {
  await git(["branch", "-D", branch], { cwd: repoRoot });
}

/** The worktree's own git directory (`<repo>/.git/worktrees/<name>`): private per-worktree state. */
export function worktreeGitDir(worktreePath: string): Promise<string> {
  return gitText(["rev-parse", "--absolute-git-dir"], { cwd: worktreePath });
}

/** Bytes used by the files under `dir` (symlinks counted as themselves, never followed). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        stack.push(full);
        continue;
      }
      try {
        total += (await fs.promises.lstat(full)).size;
      } catch {
        // Vanished while counting.
      }
    }
  }
  return total;
}

/** `git log --format=%H%x1f%s` output as commits. */
function commitLines(text: string): Array<{ sha: string; subject: string }> {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [sha = "", subject = ""] = line.split("\x1f");
      return { sha, subject };
    });
}
