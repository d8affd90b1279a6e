import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectFailure } from "../helpers/api-calls";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { createTempRepo, type TempRepo } from "../helpers/git-repo";

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

  it("refuses a bad isolation or an option-like base branch (400), and an unknown base branch at start (400)", async () => {
    expectFailure(await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, isolation: "sometimes" } }), 400, "bad_request:body", /isolation/);
    expectFailure(await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, baseBranch: "--upload-pack=x" } }), 400, "bad_request:body", /baseBranch/);
    const created = await h.request("POST", "/api/internal/tasks", { body: { title: "x", cwd: repo.root, isolation: "worktree", baseBranch: "nope" } });
    expect(created.status).toBe(201);
    const started = await h.request("POST", `/api/internal/terminal/${created.body.data.id}/start`, { body: {} });
    expectFailure(started, 400, "bad_request:base_branch", /no branch "nope"/);
  });
});
