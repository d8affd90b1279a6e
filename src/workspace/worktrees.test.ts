import { afterEach, describe, expect, it } from "vitest";
import { createLandingRepo, type LandingRepo } from "../../test/helpers/landing-repo";
import { merge } from "./landing";
import { isMerged, lossOf } from "./worktrees";

describe("landed branches", () => {
  let repo: LandingRepo | undefined;
  afterEach(() => repo?.cleanup());

  it.each(["fast-forward", "merge", "squash"] as const)("a %s merge leaves nothing to lose: the branch counts as merged, its commits as landed", async (strategy) => {
    repo = createLandingRepo();
    const { ws } = repo;
    repo.write("task", "feature.txt", "the agent's work\n");
    repo.commit("task", "Add the feature");
    expect(await isMerged(ws.repoRoot, ws.branch, ws.baseBranch)).toBe(false);
    expect((await lossOf(ws.repoRoot, ws.worktreePath, ws.branch, ws.baseBranch)).unmergedCommits.map((c) => c.subject)).toEqual(["Add the feature"]);

    const result = await merge(ws, strategy, { message: "Land the feature" });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(await isMerged(ws.repoRoot, ws.branch, ws.baseBranch)).toBe(true);
    expect(await lossOf(ws.repoRoot, ws.worktreePath, ws.branch, ws.baseBranch)).toEqual({ uncommittedFiles: [], unmergedCommits: [] });

    // Work committed after the landing is unmerged again, and named.
    repo.write("task", "later.txt", "more work\n");
    repo.commit("task", "More work after the merge");
    expect(await isMerged(ws.repoRoot, ws.branch, ws.baseBranch)).toBe(false);
    const loss = await lossOf(ws.repoRoot, ws.worktreePath, ws.branch, ws.baseBranch);
    expect(loss.unmergedCommits.map((c) => c.subject)).toContain("More work after the merge");
  });
});
