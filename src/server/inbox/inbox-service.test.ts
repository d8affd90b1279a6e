import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import type { Services } from "../services";
import { listInbox } from "./inbox-service";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));

function services(): Services {
  const tasks = [
    { id: "review-old", title: "Old review", status: "review", statusMessage: null, updatedAt: at(1) },
    { id: "asks", title: "Asks", status: "needs_input", statusMessage: "Apply it?", updatedAt: at(2) },
    { id: "running", title: "Busy", status: "running", statusMessage: null, updatedAt: at(3) },
    { id: "review-new", title: "New review", status: "review", statusMessage: null, updatedAt: at(4) },
  ];
  const screen = ["", "line 1", "   ", "line 2", "line 3", "", "line 4", "line 5", "line 6", "Apply it? [y/n]", ""];
  return {
    // Like TaskService.list: the status filter is applied (the inbox reads only waiting statuses).
    tasks: { list: (filter?: { status?: string }) => tasks.filter((task) => !filter?.status || task.status === filter.status) },
    sessions: {
      get: (id: string) =>
        id === "asks"
          ? { running: true, snapshot: async (mode: string) => ({ viewMode: mode, lines: screen }) }
          : undefined,
    },
    history: {
      snapshot: async (id: string) => {
        if (id === "review-new") return { snapshot: { lines: ["done: 3 files changed"] } };
        throw new Error("no recording");
      },
    },
  } as unknown as Services;
}

describe("listInbox", () => {
  it("lists tasks waiting on a person, needs input first, newest first, with the last non-empty screen lines", async () => {
    const items = await listInbox(services());
    expect(items.map((item) => item.taskId)).toEqual(["asks", "review-new", "review-old"]);
    expect(items[0]).toMatchObject({ status: "needs_input", statusMessage: "Apply it?", running: true, lastLines: ["line 3", "line 4", "line 5", "line 6", "Apply it? [y/n]"] });
    // An ended run answers from its recording; a task never run shows no lines, not an error.
    expect(items[1]).toMatchObject({ running: false, lastLines: ["done: 3 files changed"] });
    expect(items[2]).toMatchObject({ running: false, lastLines: [] });
  });
});
