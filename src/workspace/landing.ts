import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../lib/errors";
import { git, GitError, GIT_NETWORK_TIMEOUT_MS, gitText, gitTest } from "./git";
import { branchRef } from "./paths";
import type { MergeStrategy, TaskWorkspace } from "./types";

/**
 * Landing a task's work: commit what the agent left, merge into the base branch (checked out in
 * the main checkout), push the branch, open a pull request. A merge never starts unless it can
 * finish: every refusal is decided before the base checkout is touched, so after a refusal the base
 * repository's working tree, index and branches are exactly as they were.
 */

/** Longest commit message accepted (a squash message lists the commits: room for many). */
export const MAX_COMMIT_MESSAGE_LENGTH = 100_000;

export interface CommitResult {
  sha: string;
  /** The files the commit recorded (repository-relative). */
  files: string[];
}

/** Stages everything in the worktree (untracked too, ignored files not) and commits it. */
export async function commitAll(ws: TaskWorkspace, message: string): Promise<CommitResult> {
  const text = checkMessage(message);
  const cwd = ws.worktreePath;
  await git(["add", "--all"], { cwd });
  const staged = await git(["diff", "--cached", "--name-only", "-z", "--no-renames"], { cwd });
  const files = splitZ(staged.stdout);
  if (files.length === 0) throw new AppError("conflict:nothing_to_commit", `Nothing to commit in ${ws.worktreePath}: the worktree has no changes.`);
  // The message goes on stdin: it can start with `-` or hold anything else.
  await git(["commit", "--quiet", "--file=-", "--cleanup=strip"], { cwd, input: text });
  return { sha: await gitText(["rev-parse", "HEAD"], { cwd }), files };
}

function checkMessage(message: string): string {
  if (typeof message !== "string" || message.trim().length === 0) throw new AppError("bad_request:message", "The commit message is empty: write one.");
  if (message.length > MAX_COMMIT_MESSAGE_LENGTH) throw new AppError("bad_request:message", `The commit message is longer than ${MAX_COMMIT_MESSAGE_LENGTH} characters.`);
  if (message.includes("\0")) throw new AppError("bad_request:message", "The commit message holds a NUL character.");
  return message.trim();
}

export type MergeRefusal = "base_dirty" | "conflict" | "not_fast_forward" | "nothing_to_merge" | "uncommitted";

export type MergeResult =
  | { ok: true; sha: string; strategy: MergeStrategy }
  | { ok: false; reason: MergeRefusal; message: string; files: string[] };

export interface MergeOptions {
  /** Message of the merge commit or the squash commit; a default names the branch. */
  message?: string;
}

/**
 * Merges the task's branch into its base branch in the main checkout (`ws.repoRoot`).
 * Checks, in order and without changing anything: the base checkout is on the base branch and
 * clean; the task's worktree is committed; there is something to merge; a fast-forward is possible
 * (for that strategy) or `git merge-tree` finds no conflict. Only then is the base updated.
 */
export async function merge(ws: TaskWorkspace, strategy: MergeStrategy, options: MergeOptions = {}): Promise<MergeResult> {
  const root = ws.repoRoot;
  const message = options.message === undefined || options.message.trim() === "" ? undefined : checkMessage(options.message);

  const head = await git(["symbolic-ref", "--quiet", "HEAD"], { cwd: root, okExitCodes: [0, 1] });
  const checkedOut = head.exitCode === 0 ? head.stdout.trim() : null;
  if (checkedOut !== branchRef(ws.baseBranch)) {
    const where = checkedOut ? `is on ${checkedOut.replace(/^refs\/heads\//, "")}` : "has a detached HEAD";
    return refuse("base_dirty", `The main checkout ${root} ${where}, not ${ws.baseBranch}: check out ${ws.baseBranch} there to merge into it.`, []);
  }
  const baseDirty = await dirtyFiles(root, false);
  if (baseDirty.length > 0) {
    return refuse("base_dirty", `${ws.baseBranch} in ${root} has uncommitted changes; commit or stash them before merging.`, baseDirty);
  }
  if (await inProgress(root)) {
    return refuse("base_dirty", `A merge, rebase, cherry-pick or revert is in progress in ${root}; finish or abort it first.`, []);
  }
  const taskDirty = await dirtyFiles(ws.worktreePath, true);
  if (taskDirty.length > 0) {
    return refuse("uncommitted", `The task's worktree has uncommitted changes; commit them first, then merge.`, taskDirty);
  }

  const baseSha = await gitText(["rev-parse", "--verify", "HEAD^{commit}"], { cwd: root });
  const branchSha = await resolveBranch(root, ws.branch);
  if (await isAncestor(root, branchSha, baseSha)) {
    return refuse("nothing_to_merge", `${ws.baseBranch} already contains every commit of ${ws.branch}.`, []);
  }
  const fastForward = await isAncestor(root, baseSha, branchSha);

  if (strategy === "fast-forward") {
    if (!fastForward) {
      return refuse(
        "not_fast_forward",
        `${ws.baseBranch} has commits that ${ws.branch} does not have, so it cannot fast-forward; use a merge commit or squash, or rebase the branch.`,
        [],
      );
    }
  } else {
    const conflicts = await mergeConflicts(root, baseSha, branchSha);
    if (conflicts) {
      return refuse("conflict", `Merging ${ws.branch} into ${ws.baseBranch} conflicts in ${conflicts.length} file(s); nothing was changed.`, conflicts);
    }
  }

  // From here on the base checkout changes; a failure puts it back the way it was.
  try {
    if (strategy === "fast-forward") {
      await git(["merge", "--quiet", "--ff-only", branchSha], { cwd: root });
    } else if (strategy === "merge") {
      const text = message ?? `Merge branch '${ws.branch}' into ${ws.baseBranch}`;
      await git(["merge", "--quiet", "--no-ff", "--no-edit", "-m", text, branchSha], { cwd: root });
    } else {
      await git(["merge", "--quiet", "--squash", branchSha], { cwd: root });
      const empty = await gitTest(["diff", "--cached", "--quiet"], { cwd: root });
      if (empty) {
        await restore(root, baseSha);
        return refuse("nothing_to_merge", `The changes of ${ws.branch} are already in ${ws.baseBranch}: a squash would be empty.`, []);
      }
      const text = message ?? (await squashMessage(root, ws, baseSha, branchSha));
      await git(["commit", "--quiet", "--file=-", "--cleanup=strip"], { cwd: root, input: text });
    }
  } catch (error) {
    await restore(root, baseSha);
    const stderr = error instanceof GitError ? error.stderr : "";
    const said = error instanceof Error ? error.message : String(error);
    const inTheWay = overwrittenFiles(stderr);
    if (inTheWay.length > 0) {
      return refuse("base_dirty", `Files in ${root} that git does not track would be overwritten by the merge; move them away first. ${ws.baseBranch} was left as it was.`, inTheWay);
    }
    throw new AppError("conflict:merge_failed", `git could not update ${ws.baseBranch} in ${root}, which was left as it was: ${said}`);
  }
  return { ok: true, sha: await gitText(["rev-parse", "HEAD"], { cwd: root }), strategy };
}

function refuse(reason: MergeRefusal, message: string, files: string[]): MergeResult {
  return { ok: false, reason, message, files };
}

/**
 * The paths git names when a merge would overwrite files it does not track (or local changes):
 * `error: The following untracked working tree files would be overwritten by merge:` then one
 * tab-indented path a line.
 */
export function overwrittenFiles(stderr: string): string[] {
  const files: string[] = [];
  let listing = false;
  for (const line of stderr.split("\n")) {
    if (/would be overwritten by (merge|checkout)/.test(line)) {
      listing = true;
      continue;
    }
    if (listing && line.startsWith("\t")) files.push(line.slice(1));
    else listing = false;
  }
  return files;
}

/** Files with changes in a checkout (porcelain v1 -z), untracked ones only when asked. */
async function dirtyFiles(cwd: string, withUntracked: boolean): Promise<string[]> {
  const result = await git(["status", "--porcelain=v1", "-z", "--no-renames", `--untracked-files=${withUntracked ? "all" : "no"}`], { cwd });
  return splitZ(result.stdout).map((entry) => entry.slice(3));
}

async function inProgress(root: string): Promise<boolean> {
  for (const name of ["MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply"]) {
    const file = await gitText(["rev-parse", "--git-path", name], { cwd: root });
    try {
      accessSync(path.resolve(root, file), constants.F_OK);
      return true;
    } catch {
      // not there: good
    }
  }
  return false;
}

async function resolveBranch(cwd: string, branch: string): Promise<string> {
  const result = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${branchRef(branch)}^{commit}`], { cwd, okExitCodes: [0, 1] });
  if (result.exitCode !== 0) throw new AppError("not_found:branch", `The task's branch ${branch} does not exist (deleted outside AI Manager?).`);
  return result.stdout.trim();
}

function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  return gitTest(["merge-base", "--is-ancestor", ancestor, descendant], { cwd });
}

/**
 * Conflicting files of merging `theirs` into `ours`, or null when it merges cleanly. `merge-tree
 * --write-tree` (git 2.38+) merges in memory: it writes objects, never the index, a ref or a file.
 * With `--name-only -z` it prints `<tree>\0<path>\0…\0\0<messages>` and exits 1 on conflicts.
 */
export async function mergeConflicts(cwd: string, ours: string, theirs: string): Promise<string[] | null> {
  const result = await git(["merge-tree", "--write-tree", "--name-only", "-z", ours, theirs], { cwd, okExitCodes: [0, 1] });
  if (result.exitCode === 0) return null;
  const fields = result.stdout.split("\0");
  const files: string[] = [];
  for (let i = 1; i < fields.length && fields[i] !== ""; i++) {
    if (!files.includes(fields[i]!)) files.push(fields[i]!);
  }
  return files;
}

async function squashMessage(cwd: string, ws: TaskWorkspace, baseSha: string, branchSha: string): Promise<string> {
  const subjects = await gitText(["log", "--no-merges", "--format=* %s", `${baseSha}..${branchSha}`], { cwd });
  return `Squashed branch '${ws.branch}' into ${ws.baseBranch}\n\n${subjects}`.trim();
}

/** Puts the base checkout back at `sha`: ends any merge, resets index and tracked files (it was clean before). */
async function restore(root: string, sha: string): Promise<void> {
  await git(["merge", "--abort"], { cwd: root, okExitCodes: [0, 128] }).catch(() => undefined);
  await git(["reset", "--hard", "--quiet", sha], { cwd: root }).catch(() => undefined);
  // `merge --squash` leaves its message file behind; a later plain `git commit` would pick it up.
  const squashMsg = await gitText(["rev-parse", "--git-path", "SQUASH_MSG"], { cwd: root }).catch(() => undefined);
  if (squashMsg) await rm(path.resolve(root, squashMsg), { force: true }).catch(() => undefined);
}

export interface PushOptions {
  /** A configured remote's name; default: the branch's upstream remote, the base's, then `origin`. */
  remote?: string;
}

export interface PushResult {
  remote: string;
  branch: string;
  /** What git said (push reports on stderr). */
  output: string;
}

/** Pushes the task's branch to a remote and sets it as the branch's upstream. */
export async function push(ws: TaskWorkspace, options: PushOptions = {}): Promise<PushResult> {
  const cwd = ws.worktreePath;
  const remotes = splitLines(await gitText(["remote"], { cwd }));
  const remote = options.remote ?? (await defaultRemote(cwd, ws, remotes));
  if (!remote) {
    throw new AppError("conflict:no_remote", `The repository ${ws.repoRoot} has no remote to push to; add one with \`git remote add origin <url>\`.`);
  }
  if (!remotes.includes(remote) || remote.startsWith("-")) {
    throw new AppError("bad_request:remote", `No remote named ${JSON.stringify(remote)} in ${ws.repoRoot} (remotes: ${remotes.join(", ") || "none"}).`);
  }
  const ref = branchRef(ws.branch);
  await resolveBranch(cwd, ws.branch);
  const result = await git(["push", "--porcelain", "--set-upstream", remote, `${ref}:${ref}`], { cwd, timeoutMs: GIT_NETWORK_TIMEOUT_MS });
  return { remote, branch: ws.branch, output: `${result.stdout}${result.stderr}`.trim() };
}

async function defaultRemote(cwd: string, ws: TaskWorkspace, remotes: string[]): Promise<string | undefined> {
  for (const branch of [ws.branch, ws.baseBranch]) {
    const configured = await git(["config", "--get", `branch.${branch}.remote`], { cwd, okExitCodes: [0, 1] });
    const name = configured.stdout.trim();
    if (configured.exitCode === 0 && remotes.includes(name)) return name;
  }
  if (remotes.includes("origin")) return "origin";
  return remotes.length === 1 ? remotes[0] : undefined;
}

export interface PullRequestInput {
  title: string;
  body: string;
}

export type PullRequestResult = { kind: "created"; url: string } | { kind: "manual"; command: string; reason: string };

export interface PullRequestOptions {
  /** PATH to look for `gh` in (default: this process's). */
  searchPath?: string;
}

/** `gh pr create` through the GitHub CLI when it is installed and signed in; otherwise the command to run. */
export async function openPullRequest(ws: TaskWorkspace, input: PullRequestInput, options: PullRequestOptions = {}): Promise<PullRequestResult> {
  const title = input.title.trim();
  if (title.length === 0) throw new AppError("bad_request:title", "The pull request needs a title.");
  const args = ["pr", "create", "--head", ws.branch, "--base", ws.baseBranch, "--title", title, "--body", input.body];
  const manual = (reason: string): PullRequestResult => ({
    kind: "manual",
    reason,
    command: `cd ${shellQuote(ws.worktreePath)} && ${["gh", ...args].map(shellQuote).join(" ")}`,
  });
  const gh = findExecutable("gh", options.searchPath ?? process.env.PATH ?? "");
  if (!gh) return manual("The GitHub CLI (gh) is not installed on this machine; install it, run `gh auth login`, push the branch, then run this command.");
  const auth = await run(gh, ["auth", "status"], ws.worktreePath, 30_000);
  if (auth.exitCode !== 0) return manual(`The GitHub CLI is not signed in (gh auth status: ${firstLines(auth.stderr || auth.stdout)}); run \`gh auth login\`, push the branch, then run this command.`);
  const created = await run(gh, args, ws.worktreePath, GIT_NETWORK_TIMEOUT_MS);
  if (created.exitCode !== 0) {
    throw new AppError("bad_request:gh", `gh pr create failed: ${firstLines(created.stderr || created.stdout)}`);
  }
  const url = created.stdout.match(/https?:\/\/\S+/g)?.at(-1);
  if (!url) throw new AppError("internal:gh", `gh pr create gave no pull request URL: ${firstLines(created.stdout)}`);
  return { kind: "created", url };
}

/** A POSIX shell word: bare when it is plainly safe, otherwise single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function findExecutable(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(file: string, args: string[], cwd: string, timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd, timeout: timeoutMs, killSignal: "SIGKILL", encoding: "utf8", env: { ...process.env, GH_PROMPT_DISABLED: "1", NO_COLOR: "1", GH_NO_UPDATE_NOTIFIER: "1" } },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ exitCode, stdout, stderr: error && exitCode === -1 ? `${stderr}${error.message}` : stderr });
      },
    );
    // Closing the input of a program that already exited can fail (EPIPE): not an uncaught exception.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end();
  });
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 4).join(" ").slice(0, 500) || "no message";
}

function splitZ(out: string): string[] {
  return out.split("\0").filter((field) => field.length > 0);
}

function splitLines(out: string): string[] {
  return out.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
}
