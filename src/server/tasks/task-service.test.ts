import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppEvent } from "../events/app-events";
import { executions, taskWorkspaces } from "../db/schema";
import { createTestApp, makeDir, thrown, type TestApp } from "../testing/test-app";

let app: TestApp;
let cwd: string;
beforeEach(() => {
  app = createTestApp();
  cwd = makeDir(app, "web-app");
});
afterEach(() => app.dispose());

function taskCount(): number {
  return (app.database.sqlite.prepare("SELECT count(*) AS n FROM tasks").get() as { n: number }).n;
}

function executionCount(taskId: string): number {
  return (app.database.sqlite.prepare("SELECT count(*) AS n FROM executions WHERE task_id = ?").get(taskId) as { n: number }).n;
}

function addExecution(taskId: string, id: string): void {
  app.database.db
    .insert(executions)
    .values({ id, taskId, commandLine: "claude 'do it'", status: "succeeded", exitCode: 0, startedAt: new Date(), endedAt: new Date() })
    .run();
}

describe("create", () => {
  it("stores a todo task with defaults and the resolved directory", () => {
    const task = app.tasks.create({ title: "  Fix the login redirect  ", cwd: `${cwd}/` });
    expect(task).toMatchObject({ title: "Fix the login redirect", description: "", prompt: "", cwd, profileId: null, status: "todo" });
    expect(task.createdAt).toBeInstanceOf(Date);
    expect(app.tasks.list().map((t) => t.id)).toEqual([task.id]);
  });

  it("expands ~ to the home directory", () => {
    const task = app.tasks.create({ title: "Home task", cwd: "~" });
    expect(task.cwd).toBe(os.homedir());
  });

  it("refuses a working directory that does not exist, with fields.cwd, and saves nothing", () => {
    const missing = path.join(app.dir, "no-such-dir");
    const error = thrown(() => app.tasks.create({ title: "T", cwd: missing }));
    expect(error.code).toBe("bad_request:cwd");
    expect(error.fields?.cwd).toBe(`Working directory does not exist: ${missing}`);
    expect(taskCount()).toBe(0);
  });

  it("refuses a working directory that is a file", () => {
    const file = path.join(cwd, "README.md");
    fs.writeFileSync(file, "hello");
    const error = thrown(() => app.tasks.create({ title: "T", cwd: file }));
    expect(error.fields?.cwd).toBe(`Working directory is not a directory: ${file}`);
    expect(taskCount()).toBe(0);
  });

  it("refuses a relative working directory", () => {
    const error = thrown(() => app.tasks.create({ title: "T", cwd: "projects/web-app" }));
    expect(error.fields?.cwd).toMatch(/must be an absolute path/);
    expect(taskCount()).toBe(0);
  });

  it("refuses an empty or blank title with fields.title", () => {
    for (const title of ["", "   ", "\n\t"]) {
      const error = thrown(() => app.tasks.create({ title, cwd }));
      expect(error.code).toBe("bad_request:task");
      expect(error.fields?.title).toBe("Title is required");
    }
    expect(thrown(() => app.tasks.create({ cwd })).fields?.title).toBeDefined();
    expect(taskCount()).toBe(0);
  });

  it("refuses an unknown profile id", () => {
    expect(thrown(() => app.tasks.create({ title: "T", cwd, profileId: "nope" })).code).toBe("not_found:profile");
    expect(taskCount()).toBe(0);
  });

  it("emits task.changed after the write", () => {
    const seen: AppEvent[] = [];
    app.events.onEvent((event) => seen.push(event));
    const task = app.tasks.create({ title: "Evented", cwd });
    expect(seen).toEqual([{ type: "task.changed", task, previousStatus: null }]);
  });

  it("says what status a task turned from, through update and setStatus", () => {
    const task = app.tasks.create({ title: "Turns", cwd });
    const seen: AppEvent[] = [];
    app.events.onEvent((event) => seen.push(event));
    app.tasks.setStatus(task.id, "running");
    app.tasks.update(task.id, { status: "needs_input" });
    app.tasks.update(task.id, { title: "Turns again" });
    expect(seen.map((event) => (event.type === "task.changed" ? [event.previousStatus, event.task.status] : event.type))).toEqual([
      ["todo", "running"],
      ["running", "needs_input"],
      ["needs_input", "needs_input"],
    ]);
  });
});

describe("update", () => {
  it("changes only the given fields and bumps updatedAt", async () => {
    const task = app.tasks.create({ title: "Original", prompt: "Do the thing", cwd });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const other = makeDir(app, "api");
    const shell = app.profiles.resolve("Shell");
    const updated = app.tasks.update(task.id, { title: "Renamed", cwd: other, profileId: shell.id, status: "review" });
    expect(updated).toMatchObject({ title: "Renamed", prompt: "Do the thing", cwd: other, profileId: shell.id, status: "review" });
    expect(updated.updatedAt.getTime()).toBeGreaterThan(task.updatedAt.getTime());
    expect(updated.createdAt).toEqual(task.createdAt);
  });

  it("refuses a bad cwd and keeps the stored task as it was", () => {
    const task = app.tasks.create({ title: "Keep me", cwd });
    const error = thrown(() => app.tasks.update(task.id, { title: "Changed", cwd: "/definitely/not/here" }));
    expect(error.fields?.cwd).toBeDefined();
    expect(app.tasks.get(task.id)).toEqual(task);
  });

  it("sent back unchanged, a directory that has gone away does not block other edits", () => {
    const task = app.tasks.create({ title: "Gone dir", cwd });
    fs.rmSync(cwd, { recursive: true });
    expect(app.tasks.update(task.id, { title: "Renamed", cwd }).title).toBe("Renamed");
  });

  it("once the task has its worktree, refuses a new directory, isolation or base branch, naming the worktree", () => {
    const task = app.tasks.create({ title: "Isolated", cwd, isolation: "worktree", baseBranch: "main" });
    app.database.db
      .insert(taskWorkspaces)
      .values({ taskId: task.id, repoRoot: cwd, worktreePath: "/data/worktrees/web-app/1234", branch: "ai/isolated-1234", baseBranch: "main" })
      .run();
    const other = makeDir(app, "elsewhere");
    const moved = thrown(() => app.tasks.update(task.id, { title: "Moved", cwd: other }));
    expect(moved.code).toBe("conflict:workspace");
    expect(moved.message).toBe(
      "This task already runs in its own worktree (/data/worktrees/web-app/1234, branch ai/isolated-1234): its working directory can no longer change. Create a new task for another setup.",
    );
    expect(Object.keys(moved.fields ?? {})).toEqual(["cwd"]);
    const both = thrown(() => app.tasks.update(task.id, { isolation: "none", baseBranch: "dev" }));
    expect(both.message).toMatch(/its isolation and base branch can no longer change/);
    expect(Object.keys(both.fields ?? {})).toEqual(["isolation", "baseBranch"]);
    expect(app.tasks.get(task.id)).toEqual(task);
    // What the edit form sends: every field, these three unchanged.
    expect(app.tasks.update(task.id, { title: "Renamed", cwd, isolation: "worktree", baseBranch: "main" }).title).toBe("Renamed");
  });

  it("profileId null goes back to the active profile", () => {
    const shell = app.profiles.resolve("Shell");
    const task = app.tasks.create({ title: "Pinned", cwd, profileId: shell.id });
    expect(app.tasks.update(task.id, { profileId: null }).profileId).toBeNull();
  });

  it("an unknown task is not_found", () => {
    expect(thrown(() => app.tasks.update("nope", { title: "x" })).code).toBe("not_found:task");
  });
});

describe("delete", () => {
  it("cascades to the task's executions and leaves other tasks' alone", () => {
    const doomed = app.tasks.create({ title: "Doomed", cwd });
    const kept = app.tasks.create({ title: "Kept", cwd });
    addExecution(doomed.id, "e1");
    addExecution(doomed.id, "e2");
    addExecution(kept.id, "e3");
    expect(app.tasks.executionsOf(doomed.id)).toHaveLength(2);

    app.tasks.delete(doomed.id);
    expect(app.tasks.find(doomed.id)).toBeUndefined();
    expect(executionCount(doomed.id)).toBe(0);
    expect(executionCount(kept.id)).toBe(1);
  });

  it("an unknown task is not_found", () => {
    expect(thrown(() => app.tasks.delete("nope")).code).toBe("not_found:task");
  });

  it("deleting a profile un-pins its tasks instead of deleting them", () => {
    const codex = app.profiles.create({ name: "Codex", command: "codex" });
    const task = app.tasks.create({ title: "Pinned", cwd, profileId: codex.id });
    app.profiles.delete(codex.id);
    expect(app.tasks.get(task.id).profileId).toBeNull();
  });
});

describe("list", () => {
  it("lists newest-updated first and filters by status", async () => {
    const a = app.tasks.create({ title: "A", cwd });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = app.tasks.create({ title: "B", cwd });
    await new Promise((resolve) => setTimeout(resolve, 5));
    app.tasks.update(a.id, { status: "done" });
    expect(app.tasks.list().map((t) => t.title)).toEqual(["A", "B"]);
    expect(app.tasks.list({ status: "done" }).map((t) => t.id)).toEqual([a.id]);
    expect(app.tasks.list({ status: "todo" }).map((t) => t.id)).toEqual([b.id]);
    expect(thrown(() => app.tasks.list({ status: "bogus" })).code).toBe("bad_request:tasks");
  });

  it("survives a restart", () => {
    const task = app.tasks.create({ title: "Persistent", description: "notes", prompt: "go", cwd });
    app = app.reopen();
    expect(app.tasks.get(task.id)).toEqual(task);
  });
});
