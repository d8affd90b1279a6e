import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { AppError, validationError } from "../../lib/errors";
import {
  DEFAULT_COPY_FILES,
  removeKeptWorktreeSchema,
  removeWorkspaceSchema,
  repoSettingsInputSchema,
  type RemoveKeptWorktreeOptions,
  type RemoveWorkspaceOptions,
} from "../../lib/schemas/workspace-schemas";
import { assertInside, shortId, taskBranchName, taskWorktreePath, validateBranchName } from "../../workspace/branch-name";
import { copyIntoWorktree } from "../../workspace/copy-files";
import { git, gitText } from "../../workspace/git";
import {
  addWorktreeForBranch,
  addWorktreeWithNewBranch,
  branchExists,
  checkedOutBranch,
  commonGitDir,
  createBranch,
  currentBranch,
  deleteBranch,
  detachedOnlyCommits,
  directoryBytes,
  findRepoRoot,
  isMerged,
  isRegisteredWorktree,
  isWorkTreeTop,
  lossOf,
  pruneWorktrees,
  removeWorktree,
  samePath,
  uncommittedFiles,
  worktreeGitDir,
} from "../../workspace/worktrees";
import type { IsolationMode, KeptWorktreeReport, TaskWorkspace, WorkspaceHealth, WorkspaceLossReport } from "../../workspace/types";
import type { Db } from "../db/open-database";
import { repoSettings, taskWorkspaces, tasks as tasksTable, type Task, type TaskWorkspaceRow } from "../db/schema";
import type { Logger } from "../logger";
import type { SettingsService } from "../settings/settings-service";
import { resolveTaskCwd } from "../tasks/cwd";
import type { TaskService } from "../tasks/task-service";

/** A repository's ready-to-run settings; `isDefault` when nothing was saved for it yet. */
export interface RepoSettings {
  repoRoot: string;
  copyFiles: string[];
  setupCommand: string;
  isDefault: boolean;
}

/** What a run needs from its workspace. */
export interface PreparedLaunch {
  /** Where the terminal starts: the worktree + the task's subdirectory, or the task's cwd as is. */
  cwd: string;
  /** AI_MANAGER_WORKTREE and AI_MANAGER_BASE_BRANCH ("" for a run in place). */
  env: Record<string, string>;
  /** The repository's setup command, when this worktree has not been set up yet. */
  setupCommand?: string;
  /** A file the setup script creates once the setup succeeded (so it runs once per worktree). */
  setupMarker?: string;
  /** The workspace the run uses, if isolated. */
  workspace?: TaskWorkspace;
  /** True when this call created the worktree. */
  created: boolean;
}

export interface DiskUsage {
  totalBytes: number;
  /** `running`: the task's terminal runs in it now (clean-up leaves it alone). */
  workspaces: Array<{ taskId: string; title: string; status: string; path: string; bytes: number; merged: boolean; running: boolean }>;
  /** Worktrees under the data dir that no task owns: kept when their task was deleted ("keep"). */
  kept: Array<{ path: string; bytes: number }>;
}

export interface CleanupResult {
  removed: string[];
  skipped: Array<{ taskId: string; reason: string }>;
}

export interface WorkspaceServiceDeps {
  db: Db;
  tasks: TaskService;
  settings: SettingsService;
  logger: Logger;
  dataDir: string;
  /** Whether the task's terminal is running: its worktree is not removed from under it. */
  isRunning?: (taskId: string) => boolean;
}

/** Name of the marker file in the worktree's own git dir: the setup command ran and succeeded. */
const SETUP_MARKER = "ai-manager-setup-done";

/** The fields of a task that decide where it runs, as a create or an edit sends them. */
export interface TaskPlacement {
  cwd?: string;
  isolation?: IsolationMode | null;
  baseBranch?: string | null;
}

/**
 * Isolated workspaces: one git worktree and branch per task, created at its first start, reused by
 * later runs, checked (health) and repaired, and removed only on an explicit, informed request.
 */
export class WorkspaceService {
  /** Serialises git operations per repository (worktree add/remove/prune touch shared state). */
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  /** Tasks whose worktree is being removed: a start meanwhile is refused instead of reusing it. */
  private readonly removing = new Set<string>();

  constructor(private readonly deps: WorkspaceServiceDeps) {}

  workspaceOf(taskId: string): TaskWorkspace | undefined {
    const row = this.deps.db.select().from(taskWorkspaces).where(eq(taskWorkspaces.taskId, taskId)).get();
    return row ? toWorkspace(row) : undefined;
  }

  /** The isolation this task gets: its own choice, else the Settings default. */
  isolationOf(task: Task): IsolationMode {
    return task.isolation ?? this.deps.settings.get("workspace.isolation");
  }

  async health(taskId: string): Promise<WorkspaceHealth> {
    const ws = this.require(taskId);
    if (!fs.existsSync(ws.repoRoot) || !(await isWorkTreeTop(ws.repoRoot))) {
      return {
        state: "missing_repository",
        message: `The repository ${ws.repoRoot} is gone or was moved: it is no longer a git working tree. Move it back to repair this workspace.`,
      };
    }
    if (!(await branchExists(ws.repoRoot, ws.branch))) {
      return {
        state: "missing_branch",
        message: `The branch ${ws.branch} no longer exists in ${ws.repoRoot}. Repair recreates it from ${fs.existsSync(ws.worktreePath) ? "the worktree's current commit" : ws.baseBranch}.`,
      };
    }
    if (!fs.existsSync(ws.worktreePath) || !(await isRegisteredWorktree(ws.repoRoot, ws.worktreePath)) || !(await isWorkTreeTop(ws.worktreePath))) {
      return {
        state: "missing_worktree",
        message: `The worktree ${ws.worktreePath} is missing or no longer a git worktree. Repair checks ${ws.branch} out there again.`,
      };
    }
    return { state: "ok" };
  }

  async repair(taskId: string): Promise<TaskWorkspace> {
    const ws = this.require(taskId);
    return this.withRepoLock(ws.repoRoot, async () => {
      const health = await this.health(taskId);
      if (health.state === "ok") return ws;
      if (health.state === "missing_repository") throw new AppError("conflict:workspace_repository", health.message);
      await pruneWorktrees(ws.repoRoot);
      const worktreeThere = fs.existsSync(ws.worktreePath) && (await isWorkTreeTop(ws.worktreePath));
      if (!(await branchExists(ws.repoRoot, ws.branch))) {
        const head = worktreeThere ? await gitText(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { cwd: ws.worktreePath }).catch(() => "") : "";
        if (head !== "") {
          // The worktree still holds the work: the branch comes back at its commit.
          await createBranch(ws.repoRoot, ws.branch, head);
        } else {
          if (!(await branchExists(ws.repoRoot, ws.baseBranch))) {
            throw new AppError(
              "conflict:workspace_branch",
              `Both ${ws.branch} and its base ${ws.baseBranch} are gone from ${ws.repoRoot}: there is nothing to recreate the workspace from.`,
            );
          }
          await createBranch(ws.repoRoot, ws.branch, `refs/heads/${ws.baseBranch}`);
        }
      }
      if (worktreeThere) {
        const symref = await git(["symbolic-ref", "--quiet", "HEAD"], { cwd: ws.worktreePath, okExitCodes: [0, 1] });
        if (symref.stdout.trim() !== `refs/heads/${ws.branch}`) await git(["checkout", "--quiet", ws.branch], { cwd: ws.worktreePath });
      } else {
        if (fs.existsSync(ws.worktreePath)) {
          const entries = fs.readdirSync(ws.worktreePath);
          if (entries.length > 0) {
            throw new AppError(
              "conflict:workspace_path",
              `${ws.worktreePath} exists but is not a worktree of ${ws.repoRoot}. Move it away (it may hold files you want), then repair again.`,
            );
          }
          fs.rmdirSync(ws.worktreePath);
        }
        await addWorktreeForBranch(ws.repoRoot, ws.worktreePath, ws.branch);
      }
      this.deps.logger.info({ taskId, worktree: ws.worktreePath, branch: ws.branch }, "workspace repaired");
      return ws;
    });
  }

  async lossReport(taskId: string): Promise<WorkspaceLossReport | null> {
    const ws = this.workspaceOf(taskId);
    if (!ws) return null;
    if (!fs.existsSync(ws.repoRoot) || !(await isWorkTreeTop(ws.repoRoot))) {
      // Without the repository nothing can be inspected: say so rather than report "nothing to lose".
      throw new AppError(
        "conflict:workspace_repository",
        `The repository ${ws.repoRoot} is gone or was moved, so what ${ws.worktreePath} holds cannot be checked. The worktree and branch can only be kept.`,
      );
    }
    return lossOf(ws.repoRoot, ws.worktreePath, ws.branch, ws.baseBranch);
  }

  /**
   * Removes the task's worktree and/or branch as asked. Refuses (`conflict:workspace_loss`, naming
   * what would be lost) unless `confirmLoss` when uncommitted files or unmerged commits would go.
   * Removes nothing else; the row goes with the task.
   */
  async remove(taskId: string, options: RemoveWorkspaceOptions): Promise<void> {
    const parsed = removeWorkspaceSchema.safeParse(options);
    if (!parsed.success) throw validationError("workspace", parsed.error.issues);
    const { removeWorktree: dropWorktree, deleteBranch: dropBranch, confirmLoss } = parsed.data;
    const ws = this.workspaceOf(taskId);
    if (!ws || (!dropWorktree && !dropBranch)) return;
    if (this.deps.isRunning?.(taskId)) {
      throw new AppError("conflict:session", "This task's terminal is running in its worktree; stop it before removing the worktree or branch.");
    }
    if (dropBranch && !dropWorktree && fs.existsSync(ws.worktreePath)) {
      throw new AppError("bad_request:workspace", `The branch ${ws.branch} is checked out in ${ws.worktreePath}: remove the worktree too, or keep the branch.`);
    }
    if (this.removing.has(taskId)) throw new AppError("conflict:workspace", "This task's worktree is already being removed.");
    // Marked in the same tick as the running check: a start either came first (and is refused
    // above) or sees the mark in `prepare` (and is refused there).
    this.removing.add(taskId);
    try {
      await this.removeNow(taskId, ws, { removeWorktree: dropWorktree, deleteBranch: dropBranch, confirmLoss });
    } finally {
      this.removing.delete(taskId);
    }
  }

  private async removeNow(taskId: string, ws: TaskWorkspace, { removeWorktree: dropWorktree, deleteBranch: dropBranch, confirmLoss }: RemoveWorkspaceOptions): Promise<void> {
    await this.withRepoLock(ws.repoRoot, async () => {
      if (!fs.existsSync(ws.repoRoot) || !(await isWorkTreeTop(ws.repoRoot))) {
        throw new AppError(
          "conflict:workspace_repository",
          `The repository ${ws.repoRoot} is gone or was moved; its worktree and branch cannot be removed safely from here. Keep them, or move the repository back.`,
        );
      }
      const loss = await lossOf(ws.repoRoot, ws.worktreePath, ws.branch, ws.baseBranch);
      const lostFiles = dropWorktree ? loss.uncommittedFiles : [];
      const lostCommits = dropBranch ? loss.unmergedCommits : [];
      if ((lostFiles.length > 0 || lostCommits.length > 0) && !confirmLoss) {
        throw new AppError("conflict:workspace_loss", describeLoss(ws, lostFiles, lostCommits));
      }
      if (dropWorktree) {
        if (fs.existsSync(ws.worktreePath) && (await isRegisteredWorktree(ws.repoRoot, ws.worktreePath))) {
          assertInside(path.join(this.deps.dataDir, "worktrees"), ws.worktreePath);
          await removeWorktree(ws.repoRoot, ws.worktreePath, confirmLoss);
        } else {
          await pruneWorktrees(ws.repoRoot);
        }
      }
      if (dropBranch && (await branchExists(ws.repoRoot, ws.branch))) await deleteBranch(ws.repoRoot, ws.branch);
      this.deps.logger.info({ taskId, removeWorktree: dropWorktree, deleteBranch: dropBranch, confirmLoss }, "workspace removed");
    });
    if (dropWorktree) this.deps.db.delete(taskWorkspaces).where(eq(taskWorkspaces.taskId, taskId)).run();
  }

  /**
   * A base branch named for an isolated task must exist in the repository of its directory: said
   * at create and edit (400 `bad_request:base_branch` on the field), not only at the first start.
   * Nothing is checked where it would not be used (no base branch, isolation none, no repository,
   * a directory the task's own validation refuses) or once the worktree exists (that base is fixed).
   */
  async checkBaseBranch(input: TaskPlacement, current?: Task): Promise<void> {
    const fields = {
      cwd: input.cwd ?? current?.cwd ?? "",
      isolation: input.isolation !== undefined ? input.isolation : (current?.isolation ?? null),
      baseBranch: input.baseBranch !== undefined ? input.baseBranch : (current?.baseBranch ?? null),
    };
    // An edit that leaves these as stored is not refused for a base that vanished since (the start says so).
    if (current && fields.cwd === current.cwd && fields.isolation === current.isolation && (fields.baseBranch || null) === current.baseBranch) return;
    if (current && this.workspaceOf(current.id)) return;
    const base = fields.baseBranch?.trim();
    if (!base || (fields.isolation ?? this.deps.settings.get("workspace.isolation")) === "none") return;
    let cwd: string;
    try {
      cwd = resolveTaskCwd(fields.cwd);
    } catch {
      return;
    }
    const repoRoot = await findRepoRoot(cwd);
    if (!repoRoot) return;
    const name = await validateBranchName(base, repoRoot);
    if (await branchExists(repoRoot, name)) return;
    throw noSuchBaseBranch(name, repoRoot, "create it first, or leave the base branch empty");
  }

  /**
   * Why Resume cannot continue `run` (the run whose agent session it would continue): that run
   * worked in this task's own worktree, which has been removed since, or removed and made again
   * (the agent's session belonged to the old one). Undefined otherwise, also for runs elsewhere
   * (in place, or in a directory under the data dir that is not this task's worktree).
   */
  resumeBlocker(taskId: string, run: { cwd: string; startedAt: Date } | undefined): string | undefined {
    if (!run) return undefined;
    const relative = path.relative(path.join(this.deps.dataDir, "worktrees"), path.resolve(run.cwd));
    const steps = relative.split(path.sep);
    if (relative.startsWith("..") || path.isAbsolute(relative) || steps.length < 2 || steps[1] !== shortId(taskId)) return undefined;
    const ws = this.deps.db.select().from(taskWorkspaces).where(eq(taskWorkspaces.taskId, taskId)).get();
    if (!ws) {
      return `The worktree the agent's session ran in (${run.cwd}) has been removed, and the session belonged to it. Start a new run instead: it gets a fresh worktree.`;
    }
    if (ws.createdAt.getTime() > run.startedAt.getTime()) {
      return `The agent's session ran in a worktree that has been removed and made again since (${ws.worktreePath}); it belonged to the old one. Start a new run instead.`;
    }
    return undefined;
  }

  async diskUsage(): Promise<DiskUsage> {
    const rows = this.deps.db
      .select({ ws: taskWorkspaces, title: tasksTable.title, status: tasksTable.status })
      .from(taskWorkspaces)
      .innerJoin(tasksTable, eq(tasksTable.id, taskWorkspaces.taskId))
      .all();
    const workspaces: DiskUsage["workspaces"] = [];
    for (const row of rows) {
      const ws = toWorkspace(row.ws);
      const bytes = fs.existsSync(ws.worktreePath) ? await directoryBytes(ws.worktreePath) : 0;
      let merged = false;
      try {
        merged = fs.existsSync(ws.repoRoot) ? await isMerged(ws.repoRoot, ws.branch, ws.baseBranch) : false;
      } catch {
        merged = false;
      }
      workspaces.push({ taskId: row.ws.taskId, title: row.title, status: row.status, path: ws.worktreePath, bytes, merged, running: this.deps.isRunning?.(row.ws.taskId) === true });
    }
    const kept: DiskUsage["kept"] = [];
    for (const dir of this.worktreeDirsWithoutTask(rows.map((row) => row.ws.worktreePath))) kept.push({ path: dir, bytes: await directoryBytes(dir) });
    const totalBytes = [...workspaces, ...kept].reduce((sum, w) => sum + w.bytes, 0);
    return { totalBytes, workspaces, kept };
  }

  /**
   * What removing a kept worktree would throw away, from git itself. `dir` must be one of the kept
   * directories Settings lists (else `not_found:worktree`); one git can no longer vouch for (not a
   * worktree any more, its repository gone or moved) is `conflict:workspace_repository`.
   */
  async keptWorktreeReport(dir: string): Promise<KeptWorktreeReport> {
    const kept = this.requireKept(dir);
    const repoRoot = await this.repositoryOfKept(kept);
    const branch = await checkedOutBranch(kept);
    return {
      path: kept,
      repoRoot,
      branch,
      uncommittedFiles: await uncommittedFiles(kept),
      detachedCommits: branch === null ? await detachedOnlyCommits(kept) : [],
    };
  }

  /**
   * Removes a kept worktree with `git worktree remove`, then prunes. Refuses
   * (`conflict:workspace_loss`, naming them) unless `confirmLoss` when uncommitted files, or commits
   * only a detached HEAD has, would go. The branch always stays, with its commits.
   */
  async removeKeptWorktree(dir: string, options: RemoveKeptWorktreeOptions): Promise<KeptWorktreeReport> {
    const parsed = removeKeptWorktreeSchema.safeParse(options);
    if (!parsed.success) throw validationError("worktree", parsed.error.issues);
    const { confirmLoss } = parsed.data;
    const repoRoot = await this.repositoryOfKept(this.requireKept(dir));
    return this.withRepoLock(repoRoot, async () => {
      // Looked at again under the lock: a removal or new work may have come in meanwhile.
      const report = await this.keptWorktreeReport(dir);
      const wouldLose = report.uncommittedFiles.length > 0 || report.detachedCommits.length > 0;
      if (wouldLose && !confirmLoss) throw new AppError("conflict:workspace_loss", describeKeptLoss(report));
      assertInside(path.join(this.deps.dataDir, "worktrees"), report.path);
      // Not forced when nothing was uncommitted: then git itself refuses files that turn up meanwhile.
      await removeWorktree(report.repoRoot, report.path, report.uncommittedFiles.length > 0);
      await pruneWorktrees(report.repoRoot);
      this.deps.logger.info({ worktree: report.path, repoRoot: report.repoRoot, branch: report.branch, confirmLoss }, "kept worktree removed");
      return report;
    });
  }

  /** The listed kept directory `dir` names (compared resolved), or `not_found:worktree`. */
  private requireKept(dir: string): string {
    const wanted = typeof dir === "string" && path.isAbsolute(dir) ? path.resolve(dir) : undefined;
    const owned = this.deps.db.select({ path: taskWorkspaces.worktreePath }).from(taskWorkspaces).all();
    const kept = wanted === undefined ? undefined : this.worktreeDirsWithoutTask(owned.map((row) => row.path)).find((found) => path.resolve(found) === wanted);
    if (!kept) {
      // The path is not echoed: it is whatever the caller sent.
      throw new AppError("not_found:worktree", "That is not one of the worktrees kept from deleted tasks (it may have been removed already). Reload Settings to see the current list.");
    }
    return kept;
  }

  /**
   * The main checkout of the repository a kept worktree belongs to, found from the worktree (its
   * task row, which named it, is gone) and checked with git: the worktree is registered there.
   */
  private async repositoryOfKept(kept: string): Promise<string> {
    const refuse = (why: string) =>
      new AppError(
        "conflict:workspace_repository",
        `${why} Git cannot vouch for what it holds, so AI Manager will not delete it: once you are sure nothing in it is needed, remove the directory by hand.`,
      );
    if (!(await isWorkTreeTop(kept))) {
      throw refuse(`${kept} is no longer a git worktree (its .git link is gone, or points to a repository that was moved or deleted).`);
    }
    const common = await commonGitDir(kept);
    if (common === null || path.basename(common) !== ".git") throw refuse(`The repository of ${kept} cannot be found.`);
    const candidate = path.dirname(common);
    const repoRoot = await findRepoRoot(candidate);
    if (repoRoot === null || !samePath(repoRoot, candidate)) throw refuse(`The repository of ${kept} (${candidate}) is gone or is no longer a git working tree.`);
    if (samePath(repoRoot, kept)) throw refuse(`${kept} is a repository of its own, not a worktree of another one.`);
    if (!(await isRegisteredWorktree(repoRoot, kept))) throw refuse(`${kept} is not among the worktrees of ${repoRoot}.`);
    return repoRoot;
  }

  /** `<dataDir>/worktrees/<repo>-<hash>/<id8>` directories that are none of the tasks' worktrees. */
  private worktreeDirsWithoutTask(taskWorktrees: readonly string[]): string[] {
    const root = path.join(this.deps.dataDir, "worktrees");
    // Compared as real paths: rows written while the data dir was reached through a symlink (or
    // the other way round) name the same directories by other paths.
    const owned = new Set(taskWorktrees.map(realOrResolved));
    const found: string[] = [];
    for (const repo of readDirs(root)) {
      for (const tree of readDirs(path.join(root, repo))) {
        const dir = path.join(root, repo, tree);
        if (!owned.has(realOrResolved(dir))) found.push(dir);
      }
    }
    return found.sort();
  }

  /**
   * Removes the worktrees of done or merged tasks that would lose nothing (no uncommitted files;
   * the branch is deleted only when merged). Anything else is skipped with the reason.
   */
  async cleanup(taskIds: readonly string[]): Promise<CleanupResult> {
    const result: CleanupResult = { removed: [], skipped: [] };
    const rows = taskIds.length === 0 ? [] : this.deps.db.select().from(tasksTable).where(inArray(tasksTable.id, [...taskIds])).all();
    for (const taskId of taskIds) {
      const task = rows.find((row) => row.id === taskId);
      const ws = this.workspaceOf(taskId);
      if (!task || !ws) {
        result.skipped.push({ taskId, reason: "no workspace" });
        continue;
      }
      try {
        const merged = fs.existsSync(ws.repoRoot) ? await isMerged(ws.repoRoot, ws.branch, ws.baseBranch) : false;
        if (task.status !== "done" && !merged) {
          result.skipped.push({ taskId, reason: "the task is not done and its branch is not merged" });
          continue;
        }
        await this.remove(taskId, { removeWorktree: true, deleteBranch: merged, confirmLoss: false });
        result.removed.push(taskId);
      } catch (error) {
        result.skipped.push({ taskId, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }

  /**
   * Where a run starts. Isolated task, first start: find the repository of the task's cwd (none:
   * run in place), branch `ai/<slug>-<id>` from the chosen base, worktree under the data dir, copy
   * the repository's files, record it. Later runs reuse the recorded worktree (checked first).
   */
  async prepare(task: Task, options: { createIfMissing?: boolean } = {}): Promise<PreparedLaunch> {
    if (this.removing.has(task.id)) {
      throw new AppError("conflict:workspace", "This task's worktree is being removed; start it again once that is done (the next start makes a fresh one).");
    }
    const existing = this.workspaceOf(task.id);
    if (existing) return this.reuse(task, existing);
    const inPlace = (): PreparedLaunch => ({ cwd: resolveTaskCwd(task.cwd), env: { AI_MANAGER_WORKTREE: "", AI_MANAGER_BASE_BRANCH: "" }, created: false });
    // Resume continues a session where it ran: a task without a worktree resumes in place.
    if (this.isolationOf(task) === "none" || options.createIfMissing === false) return inPlace();
    const cwd = resolveTaskCwd(task.cwd);
    const repoRoot = await findRepoRoot(cwd);
    if (!repoRoot) return inPlace();
    return this.withRepoLock(repoRoot, async () => {
      const again = this.workspaceOf(task.id);
      if (again) return this.reuse(task, again);
      const base = task.baseBranch ? await validateBranchName(task.baseBranch, repoRoot) : await currentBranch(repoRoot);
      if (!(await branchExists(repoRoot, base))) {
        if (!task.baseBranch) {
          throw new AppError(
            "bad_request:base_branch",
            `The repository at ${repoRoot} has no commit on ${base} yet: commit something first, or run this task with isolation "none".`,
          );
        }
        throw noSuchBaseBranch(base, repoRoot, "edit the task's base branch, or leave it empty");
      }
      const branch = taskBranchName(task.title, task.id);
      await validateBranchName(branch, repoRoot, "branch");
      const worktreePath = taskWorktreePath(this.deps.dataDir, repoRoot, task.id);
      if (fs.existsSync(worktreePath) && fs.readdirSync(worktreePath).length > 0) {
        throw new AppError("conflict:workspace_path", `${worktreePath} already exists and is not empty; move it away and start again.`);
      }
      await pruneWorktrees(repoRoot);
      // This task's branch may have survived an earlier workspace (kept on cleanup): continue on it.
      const reuseBranch = await branchExists(repoRoot, branch);
      if (reuseBranch) await addWorktreeForBranch(repoRoot, worktreePath, branch);
      else await addWorktreeWithNewBranch(repoRoot, worktreePath, branch, base);
      const subdir = subdirOf(repoRoot, cwd);
      const settings = this.repoSettings(repoRoot);
      const row: TaskWorkspaceRow = { taskId: task.id, repoRoot, worktreePath, branch, baseBranch: base, subdir, createdAt: new Date() };
      let copy: ReturnType<typeof copyIntoWorktree>;
      try {
        copy = copyIntoWorktree(repoRoot, worktreePath, settings.copyFiles);
        this.deps.db.insert(taskWorkspaces).values(row).run();
      } catch (error) {
        // A failed copy, or the task deleted meanwhile: leave no unrecorded worktree (it holds no work yet).
        await removeWorktree(repoRoot, worktreePath, true).catch(() => undefined);
        if (!reuseBranch) await deleteBranch(repoRoot, branch).catch(() => undefined);
        throw error;
      }
      this.deps.logger.info({ taskId: task.id, worktree: worktreePath, branch, base, copied: copy.copied.length, skipped: copy.skipped }, "workspace created");
      const marker = path.join(await worktreeGitDir(worktreePath), SETUP_MARKER);
      if (settings.setupCommand === "") fs.writeFileSync(marker, "");
      return this.launchOf(toWorkspace(row), marker, settings.setupCommand, true);
    });
  }

  // ---- repository settings ----

  repoSettings(repoRoot: string): RepoSettings {
    const row = this.deps.db.select().from(repoSettings).where(eq(repoSettings.repoRoot, repoRoot)).get();
    if (!row) return { repoRoot, copyFiles: [...DEFAULT_COPY_FILES], setupCommand: "", isDefault: true };
    return { repoRoot, copyFiles: row.copyFiles, setupCommand: row.setupCommand, isDefault: false };
  }

  /**
   * Saves a repository's copy list and setup command. A repository not seen yet is named by any
   * directory inside it (its top level is used); a known one may have moved and is kept as named.
   */
  async updateRepoSettings(repoRoot: string, input: unknown): Promise<RepoSettings> {
    const parsed = repoSettingsInputSchema.safeParse(input);
    if (!parsed.success) throw validationError("repo_settings", parsed.error.issues);
    let root = path.resolve(repoRoot.trim());
    if (!this.knownRepoRoots().includes(root)) {
      const fail = (why: string) => new AppError("bad_request:repository", why, { repoRoot: why });
      if (!path.isAbsolute(repoRoot.trim())) throw fail("must be an absolute path");
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw fail(`no directory at ${root}`);
      const top = await findRepoRoot(root);
      if (!top) throw fail(`${root} is not inside a git repository`);
      root = top;
    }
    const now = new Date();
    const values = { copyFiles: parsed.data.copyFiles, setupCommand: parsed.data.setupCommand, updatedAt: now };
    this.deps.db
      .insert(repoSettings)
      .values({ repoRoot: root, ...values })
      .onConflictDoUpdate({ target: repoSettings.repoRoot, set: values })
      .run();
    return this.repoSettings(root);
  }

  /** Repositories seen so far: those with settings and those with workspaces. */
  knownRepos(): RepoSettings[] {
    return this.knownRepoRoots().map((root) => this.repoSettings(root));
  }

  private knownRepoRoots(): string[] {
    const roots = new Set<string>();
    for (const row of this.deps.db.select({ root: repoSettings.repoRoot }).from(repoSettings).all()) roots.add(row.root);
    for (const row of this.deps.db.select({ root: taskWorkspaces.repoRoot }).from(taskWorkspaces).all()) roots.add(row.root);
    return [...roots].sort();
  }

  // ---- internals ----

  private require(taskId: string): TaskWorkspace {
    this.deps.tasks.get(taskId);
    const ws = this.workspaceOf(taskId);
    if (!ws) throw new AppError("not_found:workspace", "This task has no worktree: it runs in its own directory.");
    return ws;
  }

  private async reuse(task: Task, ws: TaskWorkspace): Promise<PreparedLaunch> {
    const health = await this.health(task.id);
    if (health.state !== "ok") {
      throw new AppError("conflict:workspace", `${health.message} Open the task to repair its workspace before starting it.`);
    }
    const settings = this.repoSettings(ws.repoRoot);
    const marker = path.join(await worktreeGitDir(ws.worktreePath), SETUP_MARKER);
    return this.launchOf(ws, marker, settings.setupCommand, false);
  }

  private launchOf(ws: TaskWorkspace, marker: string, setupCommand: string, created: boolean): PreparedLaunch {
    const inSubdir = path.join(ws.worktreePath, ws.subdir);
    // The subdirectory may hold only untracked files in the main checkout: then start at the root.
    const cwd = ws.subdir && fs.existsSync(inSubdir) ? inSubdir : ws.worktreePath;
    // The setup runs until it has succeeded once in this worktree (a failed one runs again next start).
    const needsSetup = setupCommand !== "" && !fs.existsSync(marker);
    return {
      cwd,
      env: { AI_MANAGER_WORKTREE: ws.worktreePath, AI_MANAGER_BASE_BRANCH: ws.baseBranch },
      ...(needsSetup ? { setupCommand, setupMarker: marker } : {}),
      workspace: ws,
      created,
    };
  }

  private async withRepoLock<T>(repoRoot: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.repoLocks.get(repoRoot) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.repoLocks.set(repoRoot, settled);
    try {
      return await run;
    } finally {
      if (this.repoLocks.get(repoRoot) === settled) this.repoLocks.delete(repoRoot);
    }
  }
}

function toWorkspace(row: TaskWorkspaceRow): TaskWorkspace {
  return { repoRoot: row.repoRoot, worktreePath: row.worktreePath, branch: row.branch, baseBranch: row.baseBranch, subdir: row.subdir };
}

/** cwd relative to the repository root, through symlinks (`/tmp` vs `/private/tmp`). */
function subdirOf(repoRoot: string, cwd: string): string {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const rel = path.relative(real(repoRoot), real(cwd));
  return rel.startsWith("..") || path.isAbsolute(rel) ? "" : rel;
}

const LIST_LIMIT = 10;

function describeLoss(ws: TaskWorkspace, files: string[], commits: Array<{ sha: string; subject: string }>): string {
  const parts: string[] = [];
  if (files.length > 0) parts.push(`${counted(files.length, "uncommitted file")} in ${ws.worktreePath} (${shownList(files, ", ")})`);
  if (commits.length > 0) parts.push(`${counted(commits.length, "commit")} on ${ws.branch} not in ${ws.baseBranch} (${shownList(commits.map(commitLine), "; ")})`);
  return `This would throw away ${parts.join(" and ")}. Confirm to remove anyway, or keep the worktree and branch.`;
}

function describeKeptLoss(report: KeptWorktreeReport): string {
  const parts: string[] = [];
  const { uncommittedFiles: files, detachedCommits: commits } = report;
  if (files.length > 0) parts.push(`${counted(files.length, "uncommitted file")} (${shownList(files, ", ")})`);
  if (commits.length > 0) parts.push(`${counted(commits.length, "commit")} on no branch (${shownList(commits.map(commitLine), "; ")})`);
  const branch = report.branch === null ? "" : ` The branch ${report.branch} stays in the repository with its commits either way.`;
  return `Removing ${report.path} would throw away ${parts.join(" and ")}. Confirm to remove it anyway, or keep it.${branch}`;
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function commitLine(commit: { sha: string; subject: string }): string {
  return `${commit.sha.slice(0, 8)} ${commit.subject}`;
}

/** The first LIST_LIMIT items, and "…" when there are more. */
function shownList(items: string[], separator: string): string {
  return items.slice(0, LIST_LIMIT).join(separator) + (items.length > LIST_LIMIT ? `${separator}…` : "");
}

/** 400 on the base branch field: `remedy` ends "… for the repository's current branch". */
function noSuchBaseBranch(name: string, repoRoot: string, remedy: string): AppError {
  return new AppError("bad_request:base_branch", `There is no branch "${name}" in ${repoRoot} to start from: ${remedy} for the repository's current branch.`, {
    baseBranch: `no branch "${name}" in this repository`,
  });
}

/** The path with symlinks resolved, or just resolved when it does not exist. */
function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The names of the directories in `dir` (none when it does not exist). */
function readDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
