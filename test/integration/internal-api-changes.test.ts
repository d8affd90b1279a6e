import os from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkspaceReviewService } from "../../src/workspace/review-service";
import type { TaskWorkspace } from "../../src/workspace/types";
import { expectFailure } from "../helpers/api-calls";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { createLandingRepo, type LandingRepo } from "../helpers/landing-repo";

describe("internal API: task changes", () => {
  let h: ApiHarness;
  let repo: LandingRepo;
  let taskId: string;
  let plainTaskId: string;

  beforeEach(async () => {
    h = await startApiHarness();
    repo = createLandingRepo();
    taskId = h.services.tasks.create({ title: "isolated", cwd: repo.ws.repoRoot }).id;
    plainTaskId = h.services.tasks.create({ title: "in place", cwd: os.tmpdir() }).id;
    const workspaces = new Map<string, TaskWorkspace>([[taskId, repo.ws]]);
    // Until the lead wires `services.review` in createServices, the test puts it there itself.
    h.services.review = new WorkspaceReviewService({ workspaceOf: (id) => workspaces.get(id) });
  });

  afterEach(async () => {
    await h.close();
    repo.cleanup();
  });

  it("GET …/changes lists the changed files with counts", async () => {
    repo.write("task", "README.md", "# repo\n\nline 3 edited\n");
    repo.commit("task", "edit");
    repo.write("task", "new.txt", "a\nb\n");
    const res = await h.request("GET", `/api/internal/tasks/${taskId}/changes`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ baseBranch: "main", branch: repo.ws.branch, commitsAhead: 1, commitsBehind: 0, totals: { files: 2, added: 3, removed: 1 } });
    expect(res.body.data.files.map((f: { path: string }) => f.path)).toEqual(["README.md", "new.txt"]);
  });

  it("GET …/changes/diff gives one file's unified diff, cut to maxLines", async () => {
    repo.write("task", "long.txt", Array.from({ length: 40 }, (_, i) => `l${i}`).join("\n") + "\n");
    const full = await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=long.txt`);
    expect(full.status, full.text).toBe(200);
    expect(full.body.data).toMatchObject({ path: "long.txt", binary: false, truncated: false });
    expect(full.body.data.diff).toContain("+l39\n");
    expect(full.body.data.diff).not.toMatch(/\u001b\[/);
    const cut = await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=long.txt&maxLines=5`);
    expect(cut.body.data).toMatchObject({ truncated: true, totalLines: full.body.data.totalLines });
    expect(cut.body.data.diff.split("\n")).toHaveLength(6);
  });

  it("refuses bad input with 4xx JSON errors", async () => {
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff`), 400, "bad_request:query");
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=a&maxLines=0`), 400, "bad_request:query");
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=a&maxLines=1.5`), 400, "bad_request:query");
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes?extra=1`), 400, "bad_request:query");
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=${encodeURIComponent("../../etc/passwd")}`), 400, "bad_request:path");
    expectFailure(await h.request("GET", `/api/internal/tasks/${taskId}/changes/diff?path=%2Fetc%2Fpasswd`), 400, "bad_request:path");
    expectFailure(await h.request("GET", `/api/internal/tasks/bad%20id/changes`), 400, "bad_request:task_id");
    expectFailure(await h.request("GET", `/api/internal/tasks/no-such-task/changes`), 404, "not_found:task");
    expectFailure(await h.request("GET", `/api/internal/tasks/${plainTaskId}/changes`), 404, "not_found:workspace");
    expectFailure(await h.request("POST", `/api/internal/tasks/${taskId}/changes`, { body: {} }), 405, "bad_request:method");
  });
});
