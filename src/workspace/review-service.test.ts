import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLandingRepo, type LandingRepo } from "../../test/helpers/landing-repo";
import { WorkspaceReviewService } from "./review-service";

describe("WorkspaceReviewService", () => {
  let repo: LandingRepo;
  let service: WorkspaceReviewService;
  beforeEach(() => {
    repo = createLandingRepo();
    service = new WorkspaceReviewService({ workspaceOf: (taskId) => (taskId === "task-1" ? repo.ws : undefined) });
  });
  afterEach(() => repo.cleanup());

  it("refuses a task without a worktree with not_found:workspace", async () => {
    await expect(service.changes("other")).rejects.toMatchObject({ code: "not_found:workspace", message: expect.stringContaining("no worktree") });
    await expect(service.merge("other", "squash")).rejects.toMatchObject({ code: "not_found:workspace" });
  });

  it("says plainly that the repository or the worktree is gone, instead of git's error", async () => {
    fs.rmSync(repo.ws.worktreePath, { recursive: true, force: true });
    await expect(service.changes("task-1")).rejects.toMatchObject({
      code: "conflict:workspace",
      message: `The worktree ${repo.ws.worktreePath} is gone. Repair on the task page checks ${repo.ws.branch} out there again.`,
    });
    fs.rmSync(repo.ws.repoRoot, { recursive: true, force: true });
    await expect(service.fileDiff("task-1", "a.txt")).rejects.toMatchObject({
      code: "conflict:workspace",
      message: `The repository ${repo.ws.repoRoot} is gone or was moved: it is no longer a git working tree. Move it back to review or land this task's work.`,
    });
    await expect(service.merge("task-1", "squash")).rejects.toMatchObject({ code: "conflict:workspace" });
  });

  it("reviews and lands by task id: changes, diff, commit, merge", async () => {
    repo.write("task", "feature.txt", "feature\n");
    const changes = await service.changes("task-1");
    expect(changes.files).toEqual([expect.objectContaining({ path: "feature.txt", untracked: true, added: 1 })]);
    expect((await service.fileDiff("task-1", "feature.txt", 100)).diff).toContain("+feature");
    const commit = await service.commit("task-1", "Add the feature");
    expect(commit.files).toEqual(["feature.txt"]);
    const merged = await service.merge("task-1", "fast-forward");
    expect(merged).toEqual({ ok: true, sha: commit.sha, strategy: "fast-forward" });
  });

  it("runs two merges into one base one after the other: the second sees the first's result", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.commit("task", "feature");
    const [first, second] = await Promise.all([service.merge("task-1", "merge"), service.merge("task-1", "squash")]);
    expect(first).toMatchObject({ ok: true, strategy: "merge" });
    expect(second).toMatchObject({ ok: false, reason: "nothing_to_merge" });
    expect(repo.base("status", "--porcelain")).toBe("");
  });

  it("a failed write does not block the next one", async () => {
    await expect(service.commit("task-1", "nothing here")).rejects.toMatchObject({ code: "conflict:nothing_to_commit" });
    repo.write("task", "x.txt", "x\n");
    await expect(service.commit("task-1", "now something")).resolves.toMatchObject({ files: ["x.txt"] });
  });
});
