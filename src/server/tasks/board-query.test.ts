import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { BOARD_COLUMN_CAP, BOARD_COLUMN_PAGE, PREVIEW_CHARS, boardHref, boardParamsSchema, descriptionPreview } from "../../lib/board";
import type { TaskStatus } from "../../lib/domain";
import { tasks } from "../db/schema";
import { createTestApp, makeDir, type TestApp } from "../testing/test-app";
import { loadBoard } from "./board-query";

let app: TestApp;
let cwd: string;
/** Every task gets its own update time, one second apart in creation order: the order is known. */
let clock: number;
beforeEach(() => {
  app = createTestApp();
  cwd = makeDir(app, "web-app");
  clock = Date.UTC(2026, 0, 1);
});
afterEach(() => app.dispose());

function addTask(title: string, status: TaskStatus, description = "", dir = cwd): string {
  const task = app.tasks.create({ title, cwd: dir, description });
  clock += 1000;
  app.database.db.update(tasks).set({ status, updatedAt: new Date(clock) }).where(eq(tasks.id, task.id)).run();
  return task.id;
}

/** The board for a filter and the URL's `all` as written (`done:250,failed`). */
function board(params: { q?: string; all?: string } = {}) {
  return loadBoard(app.database.db, {
    params: boardParamsSchema.parse(params),
    profileNames: new Map(),
    home: "/nowhere",
  });
}

function column(data: ReturnType<typeof board>, status: TaskStatus) {
  const found = data.columns.find((c) => c.status === status);
  if (!found) throw new Error(`no ${status} column`);
  return found;
}

/** A pasted prompt: kilobytes of indented, wrapped text. */
function longText(words: number, middle = ""): string {
  const lines = Array.from({ length: words / 8 }, (_, i) => `    step ${i}: refactor the module and   update its tests\n`);
  lines.splice(lines.length / 2, 0, middle);
  return lines.join("");
}

describe("descriptionPreview", () => {
  it("collapses whitespace into one line and keeps a short text whole", () => {
    expect(descriptionPreview("  Fix the\n\n  login\tredirect  ")).toBe("Fix the login redirect");
    expect(descriptionPreview("")).toBe("");
  });

  it("cuts a long text near PREVIEW_CHARS at a word boundary and marks the cut", () => {
    const preview = descriptionPreview(longText(800));
    expect(preview.length).toBeLessThanOrEqual(PREVIEW_CHARS + 1);
    expect(preview.length).toBeGreaterThan(PREVIEW_CHARS - 30);
    expect(preview).toMatch(/^step 0: refactor the module and update its tests step 1:/);
    expect(preview.endsWith("…")).toBe(true);
    expect(preview).not.toMatch(/\s{2}|\n/);
  });

  it("never ends on half of a character outside the BMP", () => {
    const preview = descriptionPreview("x".repeat(PREVIEW_CHARS - 1) + "😀😀😀");
    expect(preview).toBe(`${"x".repeat(PREVIEW_CHARS - 1)}…`);
  });
});

describe("loadBoard", () => {
  it("sends a preview, never the whole description", () => {
    addTask("Rewrite the importer", "todo", longText(2000));
    const [card] = column(board(), "todo").tasks;
    expect(card).toBeDefined();
    expect(card).not.toHaveProperty("description");
    expect(card!.preview.length).toBeLessThanOrEqual(PREVIEW_CHARS + 1);
    expect(card!.preview.startsWith("step 0: refactor")).toBe(true);
  });

  it("shows the most recent tasks of an end-state column with its true count, and all of them on request", () => {
    const done = Array.from({ length: BOARD_COLUMN_CAP + 12 }, (_, i) => addTask(`Done ${i}`, "done"));
    const todo = Array.from({ length: BOARD_COLUMN_CAP + 3 }, (_, i) => addTask(`Todo ${i}`, "todo"));
    addTask("Broke", "failed");

    const data = board();
    const doneColumn = column(data, "done");
    expect(doneColumn).toMatchObject({ total: BOARD_COLUMN_CAP + 12, capped: true, expanded: false });
    expect(doneColumn.tasks.map((t) => t.id)).toEqual(done.slice(-BOARD_COLUMN_CAP).reverse());
    // Active columns are never capped: every task someone works on stays in sight.
    expect(column(data, "todo")).toMatchObject({ total: todo.length, capped: false });
    expect(column(data, "todo").tasks).toHaveLength(todo.length);
    expect(column(data, "failed")).toMatchObject({ total: 1, capped: true });
    expect(data.taskCount).toBe(done.length + todo.length + 1);
    expect(data.matchCount).toBe(data.taskCount);

    const expanded = column(board({ all: `done:${BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE}` }), "done");
    expect(expanded).toMatchObject({ total: done.length, expanded: true });
    expect(expanded.tasks.map((t) => t.id)).toEqual([...done].reverse());
  });

  it("opens a long end-state column a page at a time, the most recent first", () => {
    const done = Array.from({ length: BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE + 30 }, (_, i) => addTask(`Done ${i}`, "done")).reverse();
    const page = (all: string) => column(board({ all }), "done").tasks.map((t) => t.id);
    expect(page(`done:${BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE}`)).toEqual(done.slice(0, BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE));
    expect(page(`done:${BOARD_COLUMN_CAP + 2 * BOARD_COLUMN_PAGE}`)).toEqual(done);
    // Links of older versions (`all=done`) open the first page; nothing opens more than asked.
    expect(page("done")).toHaveLength(BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE);
    expect(page("done:60")).toHaveLength(60);
    expect(column(board({ all: "done:60" }), "done")).toMatchObject({ total: done.length, expanded: true, capped: true });
  });

  it("shows the path columns even when empty and a rare column only once it holds a task", () => {
    expect(board().columns.map((c) => c.status)).toEqual(["todo", "running", "needs_input", "review", "done"]);
    addTask("Stopped by a restart", "interrupted");
    expect(board().columns.map((c) => c.status)).toEqual(["todo", "running", "needs_input", "review", "done", "interrupted"]);
  });

  it("filters every task on a word anywhere in its whole description, title or directory", () => {
    const buried = addTask("Old import job", "done", longText(1200, "the flamingo-sidecar crashed here\n"));
    for (let i = 0; i < BOARD_COLUMN_CAP + 5; i++) addTask(`Later ${i}`, "done", longText(80));
    const titled = addTask("Teach the Flamingo parser", "review");
    const dirTask = addTask("Elsewhere", "todo", "", makeDir(app, "flamingo-api"));
    addTask("Unrelated", "todo", "nothing here");

    const all = board();
    // Beyond the cap, and the word is far past any preview: only the server can find it.
    expect(column(all, "done").tasks.map((t) => t.id)).not.toContain(buried);

    const data = board({ q: "  FLAMINGO " });
    expect(data.query).toBe("FLAMINGO");
    expect(column(data, "done")).toMatchObject({ total: 1 });
    expect(column(data, "done").tasks.map((t) => t.id)).toEqual([buried]);
    expect(column(data, "review").tasks.map((t) => t.id)).toEqual([titled]);
    expect(column(data, "todo").tasks.map((t) => t.id)).toEqual([dirTask]);
    expect(data.matchCount).toBe(3);
    // The header's summary still counts every task, not the matches.
    expect(data.taskCount).toBe(all.taskCount);
    expect(board({ q: "no such words" }).matchCount).toBe(0);
  });

  it("folds case beyond ASCII, as the browser's filter did", () => {
    const id = addTask("Straße umbenennen", "todo", "Ärger mit dem Übersetzer");
    expect(column(board({ q: "ärger" }), "todo").tasks.map((t) => t.id)).toEqual([id]);
    expect(column(board({ q: "STRASSE" }), "todo").tasks).toHaveLength(0);
    expect(column(board({ q: "STRAẞE".toLowerCase() }), "todo").tasks).toHaveLength(1);
  });

  it("caps the matches in an end-state column too, with their count", () => {
    for (let i = 0; i < BOARD_COLUMN_CAP + 4; i++) addTask(`Release ${i}`, "done");
    const data = board({ q: "release" });
    expect(column(data, "done")).toMatchObject({ total: BOARD_COLUMN_CAP + 4 });
    expect(column(data, "done").tasks).toHaveLength(BOARD_COLUMN_CAP);
    expect(column(board({ q: "release", all: "done:250" }), "done").tasks).toHaveLength(BOARD_COLUMN_CAP + 4);
  });
});

describe("board URL parameters", () => {
  it("trims the filter, keeps only capped statuses and falls back on anything else", () => {
    expect(boardParamsSchema.parse({})).toEqual({ q: "", all: {} });
    expect(boardParamsSchema.parse({ q: "  gateway ", all: "interrupted:300,todo:300,done,bogus,done:900" })).toEqual({
      q: "gateway",
      all: { interrupted: 300, done: BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE },
    });
    // Counts that are no numbers are dropped; fractions cut; a count up to the cap is no expansion; huge ones bounded.
    expect(boardParamsSchema.parse({ all: "done:abc,failed:260.9,interrupted:10" }).all).toEqual({ failed: 260 });
    expect(boardParamsSchema.parse({ all: "done:1e12" }).all).toEqual({ done: 100_000 });
    expect(boardParamsSchema.parse({ q: "x".repeat(500) }).q).toHaveLength(200);
  });

  it("round-trips through boardHref", () => {
    expect(boardHref({ q: "", all: {} })).toBe("/");
    expect(boardHref({ q: "", all: { done: BOARD_COLUMN_CAP } })).toBe("/");
    const href = boardHref({ q: "fix & ship", all: { failed: 450, done: 250 } });
    expect(href).toBe("/?q=fix+%26+ship&all=done%3A250%2Cfailed%3A450");
    const search = new URL(href, "http://x").searchParams;
    expect(boardParamsSchema.parse({ q: search.get("q") ?? undefined, all: search.get("all") ?? undefined })).toEqual({ q: "fix & ship", all: { done: 250, failed: 450 } });
  });
});
