import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectFailure } from "../helpers/api-calls";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { createTempRepo, gitSync, type TempRepo } from "../helpers/git-repo";

describe("internal API: isolation and base branch", () => {
  let h: ApiHarness;
  let repo: TempRepo;

  beforeEach(async () => {
    h = await startApiHarness();
    repo = createTempRepo();
  });

  afterEach(async () => {
    await h.close();
    repo.dispose();
  });

  it("POST /tasks takes isolation and baseBranch; the task's read shows its workspace once started", async () => {
    const quick = h.services.profiles.create({ name: "quick", kind: "custom", command: "/bin/sh", args: ["-c", "exit 0"], promptDelivery: "args" });
    const created = await h.request("POST", "/api/internal/tasks", { body: { title: "iso", cwd: repo.root, isolation: "worktree", baseBranch: "main", profile: "quick" } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ isolation: "worktree", baseBranch: "main", workspace: null });
    const id = created.body.data.id as string;
    const started = await h.request("POST", `/api/internal/terminal/${id}/start`, { body: {} });
    expect(started.status, started.text).toBe(201);
    const read = await h.request("GET", `/api/internal/tasks/${id}`);
    expect(read.body.data.workspace).toMatchObject({ repoRoot: repo.root, baseBranch: "main", branch: expect.stringMatching(/^ai\/iso-[a-z0-9]{8}$/) });
    expect(quick.id).toBeTruthy();
  });

  it("refuses a bad isolation or an option-like base branch (400), an unknown base branch at create and edit (400), and one gone since at start (400)", async () => {
    expectFailure(await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, isolation: "sometimes" } }), 400, "bad_request:body", /isolation/);
    expectFailure(await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, baseBranch: "--upload-pack=x" } }), 400, "bad_request:body", /baseBranch/);
    const before = h.services.tasks.list().length;
    const unknown = await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, isolation: "worktree", baseBranch: "nope" } });
    expectFailure(unknown, 400, "bad_request:base_branch", new RegExp(`no branch "nope" in ${repo.root}`));
    expect(h.services.tasks.list()).toHaveLength(before);
    // Where no worktree will be made, a base branch is not looked up.
    expect((await h.request("POST", "/api/internal/tasks", { body: { title: "in place", cwd: repo.root, isolation: "none", baseBranch: "nope" } })).status).toBe(201);

    gitSync(repo.root, "branch", "short-lived");
    const created = await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, isolation: "worktree", baseBranch: "short-lived" } });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    expectFailure(await h.request("PATCH", `/api/internal/tasks/${id}`, { body: { baseBranch: "nope" } }), 400, "bad_request:base_branch", /no branch "nope"/);
    expect(h.services.tasks.get(id).baseBranch).toBe("short-lived");
    gitSync(repo.root, "branch", "-D", "short-lived");
    // An edit that leaves the base as it is still goes through; the start says what is wrong.
    expect((await h.request("PATCH", `/api/internal/tasks/${id}`, { body: { title: "renamed" } })).status).toBe(200);
    const started = await h.request("POST", `/api/internal/terminal/${id}/start`, { body: {} });
    expectFailure(started, 400, "bad_request:base_branch", /no branch "short-lived"/);
  });
});
