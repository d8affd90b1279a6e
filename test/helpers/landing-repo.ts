import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TaskWorkspace } from "../../src/workspace/types";

/**
 * Real repositories in a temp dir for the changes/landing tests: a main checkout on `main`
 * (identity and no signing configured locally), a task worktree on its own branch, and on demand
 * a bare repository as the remote. No global git config is read or written.
 */
/** `indexFile` is the index's bytes; `index` its entries (mode, object, stage, path). */
export interface RepoSnapshot {
  status: string;
  index: string;
  indexFile: string;
  refs: string;
  head: string;
  stash: string;
  gitState: string;
}

export interface LandingRepo {
  dir: string;
  ws: TaskWorkspace;
  /** git in the main checkout (argument array, returns trimmed stdout). */
  base(...args: string[]): string;
  /** git in the task's worktree. */
  task(...args: string[]): string;
  write(where: "base" | "task", file: string, content: string | Buffer): void;
  read(where: "base" | "task", file: string): string;
  /** Commits every change in the checkout with the message; returns the new sha. */
  commit(where: "base" | "task", message: string): string;
  /** Adds a bare repository as `origin` (or `name`); returns its path. */
  addBareRemote(name?: string): string;
  /** Everything a refused merge must leave as it was: status, index bytes, every ref, HEAD. */
  snapshot(): RepoSnapshot;
  cleanup(): void;
}

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  LC_ALL: "C",
};

export function runGit(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).replace(/\n$/, "");
}

export function createLandingRepo(options: { branch?: string } = {}): LandingRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ws-ops-"));
  const root = path.join(dir, "repo");
  const worktree = path.join(dir, "worktrees", "task");
  const branch = options.branch ?? "ai/task-1a2b3c4d";
  mkdirSync(root, { recursive: true });
  runGit(root, ["init", "-q", "-b", "main"]);
  runGit(root, ["config", "user.name", "Test Person"]);
  runGit(root, ["config", "user.email", "test@example.invalid"]);
  runGit(root, ["config", "commit.gpgsign", "false"]);
  writeFileSync(path.join(root, "README.md"), "# repo\n\nline 3\n");
  writeFileSync(path.join(root, ".gitignore"), "*.log\n");
  runGit(root, ["add", "--all"]);
  runGit(root, ["commit", "-q", "-m", "initial"]);
  runGit(root, ["worktree", "add", "-q", "-b", branch, worktree, "main"]);

  const dirOf = (where: "base" | "task") => (where === "base" ? root : worktree);
  const repo: LandingRepo = {
    dir,
    ws: { repoRoot: root, worktreePath: worktree, branch, baseBranch: "main", subdir: "" },
    base: (...args) => runGit(root, args),
    task: (...args) => runGit(worktree, args),
    write(where, file, content) {
      const full = path.join(dirOf(where), file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    read: (where, file) => readFileSync(path.join(dirOf(where), file), "utf8"),
    commit(where, message) {
      runGit(dirOf(where), ["add", "--all"]);
      runGit(dirOf(where), ["commit", "-q", "-m", message]);
      return runGit(dirOf(where), ["rev-parse", "HEAD"]);
    },
    addBareRemote(name = "origin") {
      const bare = path.join(dir, `${name}.git`);
      runGit(dir, ["init", "-q", "--bare", bare]);
      runGit(root, ["remote", "add", name, bare]);
      return bare;
    },
    snapshot() {
      const gitDir = runGit(root, ["rev-parse", "--absolute-git-dir"]);
      return {
        status: runGit(root, ["status", "--porcelain=v1", "--untracked-files=all", "--ignored"]),
        index: runGit(root, ["ls-files", "--stage"]),
        indexFile: readFileSync(path.join(gitDir, "index")).toString("base64"),
        refs: runGit(root, ["for-each-ref", "--format=%(refname) %(objectname)"]),
        head: `${runGit(root, ["symbolic-ref", "HEAD"])} ${runGit(root, ["rev-parse", "HEAD"])}`,
        stash: runGit(root, ["stash", "list"]),
        // A merge or squash left half-done would leave one of these behind.
        gitState: ["MERGE_HEAD", "MERGE_MSG", "SQUASH_MSG", "CHERRY_PICK_HEAD", "AUTO_MERGE"].filter((name) => existsSync(path.join(gitDir, name))).join(","),
      };
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return repo;
}
