import os from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppEvent } from "../../src/server/events/app-events";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure } from "../helpers/api-calls";

describe("internal API: tasks", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it("POST /tasks creates a task (201, id in data.id), with the profile by name, by id or the active one", async () => {
    const shell = h.services.profiles.list().find((p) => p.kind === "shell")!;
    const byName = await h.request("POST", "/api/internal/tasks", { body: { title: "  Fix the build  ", cwd: os.tmpdir(), prompt: "make", profile: "shell" } });
    expect(byName.status, byName.text).toBe(201);
    expect(byName.body).toMatchObject({ success: true, data: { id: expect.any(String), title: "Fix the build", status: "todo", prompt: "make", profileId: shell.id } });
    expect(h.services.tasks.get(byName.body.data.id).title).toBe("Fix the build");

    const byId = await h.request("POST", "/api/internal/tasks", { body: { title: "b", cwd: os.tmpdir(), profile: shell.id } });
    expect(byId.body.data.profileId).toBe(shell.id);
    const active = await h.request("POST", "/api/internal/tasks", { body: { title: "c", cwd: "~" } });
    expect(active.status).toBe(201);
    expect(active.body.data).toMatchObject({ profileId: null, cwd: os.homedir(), prompt: "" });
    expect(active.body.data.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("GET /tasks lists tasks, filtered by status", async () => {
    const a = h.services.tasks.create({ title: "a", cwd: os.tmpdir() });
    const b = h.services.tasks.create({ title: "b", cwd: os.tmpdir() });
    h.services.tasks.setStatus(b.id, "review", "look at it");
    const all = await h.request("GET", "/api/internal/tasks");
    expect(all.status).toBe(200);
    expect(all.body.data.map((t: { id: string }) => t.id).sort()).toEqual([a.id, b.id].sort());
    const review = await h.request("GET", "/api/internal/tasks?status=review");
    expect(review.body.data).toEqual([expect.objectContaining({ id: b.id, status: "review", statusMessage: "look at it" })]);
    expect((await h.request("GET", "/api/internal/tasks?status=done")).body.data).toEqual([]);
  });

  it("GET /tasks pages with limit and offset: most recently updated first, no task twice or skipped", async () => {
    // Created within the same millisecond or not: the order must still be total.
    for (let i = 0; i < 7; i++) h.services.tasks.create({ title: `t${i}`, cwd: os.tmpdir() });
    const ids = async (query: string) => ((await h.request("GET", `/api/internal/tasks${query}`)).body.data as Array<{ id: string }>).map((t) => t.id);
    const all = await ids("");
    expect(all).toHaveLength(7);
    const pages = [await ids("?limit=3"), await ids("?limit=3&offset=3"), await ids("?limit=3&offset=6"), await ids("?limit=3&offset=9")];
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1, 0]);
    expect(pages.flat()).toEqual(all);
    for (const query of ["?limit=0", "?limit=1001", "?limit=2.5", "?limit=x", "?offset=-1", "?limit=&offset=1"]) {
      expectFailure(await h.request("GET", `/api/internal/tasks${query}`), 400, "bad_request:query", /limit|offset/);
    }
  });

  it("GET /tasks/<id> reads one task", async () => {
    const task = h.services.tasks.create({ title: "one", cwd: os.tmpdir() });
    const res = await h.request("GET", `/api/internal/tasks/${task.id}`);
    expect(res.body).toEqual({ success: true, data: expect.objectContaining({ id: task.id, title: "one" }) });
  });

  it("PATCH /tasks/<id> sets status and message (events go out), and other fields", async () => {
    const task = h.services.tasks.create({ title: "one", cwd: os.tmpdir() });
    const events: AppEvent[] = [];
    h.services.events.onEvent((event) => events.push(event));
    const res = await h.request("PATCH", `/api/internal/tasks/${task.id}`, { body: { status: "review", statusMessage: "ready for a look" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ status: "review", statusMessage: "ready for a look" });
    expect(events).toContainEqual({ type: "task.changed", task: expect.objectContaining({ id: task.id, status: "review" }), previousStatus: "todo" });

    const shell = h.services.profiles.list().find((p) => p.kind === "shell")!;
    const renamed = await h.request("PATCH", `/api/internal/tasks/${task.id}`, { body: { title: "two", profile: "Shell", statusMessage: null } });
    expect(renamed.body.data).toMatchObject({ title: "two", profileId: shell.id, status: "review", statusMessage: null });
    const reset = await h.request("PATCH", `/api/internal/tasks/${task.id}`, { body: { profile: null } });
    expect(reset.body.data.profileId).toBeNull();
    expectFailure(await h.request("PATCH", "/api/internal/tasks/missing-task", { body: { status: "done" } }), 404, "not_found:task");
  });
});
