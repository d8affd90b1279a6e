import { describe, expect, it } from "vitest";
import type { MissionSession } from "@/lib/view-models";
import { countByFilter, matchesFilter, matchesText, splitMissions } from "./mission-filter";

function mission(overrides: Partial<MissionSession>): MissionSession {
  return {
    taskId: "t",
    executionId: "e",
    title: "Task",
    taskStatus: "running",
    cwd: "/home/me/projects/api",
    cwdShort: "~/projects/api",
    profileName: null,
    running: true,
    exitCode: null,
    signal: null,
    startedAt: 1000,
    endedAt: null,
    lastOutputAt: null,
    usage: null,
    ...overrides,
  };
}

const missions = [
  mission({ taskId: "a", title: "Add rate limiting", startedAt: 3000 }),
  mission({ taskId: "b", title: "Migrate billing", taskStatus: "needs_input", startedAt: 1000 }),
  mission({ taskId: "c", title: "Fix flaky test", taskStatus: "review", startedAt: 2000, cwd: "/srv/web-shop" }),
  mission({ taskId: "d", title: "Old run", taskStatus: "failed", running: false, exitCode: 1, endedAt: 5000 }),
  mission({ taskId: "e", title: "Older run", taskStatus: "interrupted", running: false, signal: "SIGTERM", endedAt: 4000 }),
];

describe("mission filters", () => {
  it("filter by process state and by task status", () => {
    const ids = (filter: Parameters<typeof matchesFilter>[1]) => missions.filter((m) => matchesFilter(m, filter)).map((m) => m.taskId);
    expect(ids("all")).toEqual(["a", "b", "c", "d", "e"]);
    expect(ids("running")).toEqual(["a", "b", "c"]);
    expect(ids("ended")).toEqual(["d", "e"]);
    expect(ids("needs_input")).toEqual(["b"]);
    expect(ids("review")).toEqual(["c"]);
    expect(countByFilter(missions)).toEqual({ all: 5, running: 3, needs_input: 1, review: 1, ended: 2 });
  });

  it("text matches every word in title or directory, ignoring case", () => {
    const ids = (text: string) => missions.filter((m) => matchesText(m, text)).map((m) => m.taskId);
    expect(ids("")).toHaveLength(5);
    expect(ids("  ")).toHaveLength(5);
    expect(ids("BILLING")).toEqual(["b"]);
    expect(ids("fix web-shop")).toEqual(["c"]);
    expect(ids("fix api")).toEqual([]);
  });

  it("orders live tiles by start (stable) and ended ones newest first", () => {
    const { live, ended } = splitMissions(missions);
    expect(live.map((m) => m.taskId)).toEqual(["b", "c", "a"]);
    expect(ended.map((m) => m.taskId)).toEqual(["d", "e"]);
  });
});
