import { describe, expect, it } from "vitest";
import type { ClientAppEvent } from "@/lib/client/app-events-client";
import { SeenSet, exitLine, linesBesideBadge, mergeNotices, noticeFor, noticeHeadline, notificationContent } from "./attention";

function taskChanged(status: string, previousStatus: string | null, statusMessage: string | null = null): ClientAppEvent {
  return { type: "task.changed", task: { id: "t1", title: "Fix login", status, statusMessage, updatedAt: "" }, previousStatus };
}

function executionChanged(id: string, status: string, exitCode: number | null = null, signal: string | null = null): ClientAppEvent {
  return {
    type: "execution.changed",
    execution: { id, taskId: "t1", status, exitCode, signal, agentSessionId: null, agentStatus: null, agentMessage: null },
  };
}

const titles = (id: string) => (id === "t1" ? "Fix login" : undefined);

describe("noticeFor", () => {
  it("announces a task that turned needs_input, review or failed", () => {
    const seen = new SeenSet();
    expect(noticeFor(taskChanged("needs_input", "running", "Which database?"), seen, titles)).toEqual({
      taskId: "t1",
      title: "Fix login",
      kind: "needs_input",
      lines: ["needs your input"],
      detail: "Which database?",
    });
    expect(noticeFor(taskChanged("review", "running"), seen, titles)?.lines).toEqual(["ready for review"]);
    expect(noticeFor(taskChanged("failed", "running"), seen, titles)?.kind).toBe("failed");
  });

  it("ignores changes that did not turn into an attention status", () => {
    const seen = new SeenSet();
    expect(noticeFor(taskChanged("needs_input", "needs_input"), seen, titles)).toBeUndefined(); // an edit, same status
    expect(noticeFor(taskChanged("running", "todo"), seen, titles)).toBeUndefined();
    expect(noticeFor(taskChanged("done", "running"), seen, titles)).toBeUndefined();
    expect(noticeFor({ type: "session.changed", taskId: "t1", live: false }, seen, titles)).toBeUndefined();
    expect(noticeFor({ type: "resync" }, seen, titles)).toBeUndefined();
  });

  it("announces each execution's exit once", () => {
    const seen = new SeenSet();
    expect(noticeFor(executionChanged("e1", "running"), seen, titles)).toBeUndefined();
    const first = noticeFor(executionChanged("e1", "failed", 2), seen, titles);
    expect(first).toMatchObject({ kind: "exited", title: "Fix login", lines: ["process exited with code 2"] });
    expect(noticeFor(executionChanged("e1", "failed", 2), seen, titles)).toBeUndefined();
    expect(noticeFor(executionChanged("e2", "stopped", null, "SIGTERM"), seen, titles)?.lines).toEqual(["stopped"]);
  });

  it("bounds the set of seen executions", () => {
    const seen = new SeenSet(3);
    for (const id of ["a", "b", "c", "d"]) expect(seen.add(id)).toBe(true);
    expect(seen.add("d")).toBe(false);
    expect(seen.add("a")).toBe(true); // forgotten: the oldest went first
  });
});

describe("exitLine", () => {
  it("says how the process ended", () => {
    expect(exitLine({ status: "succeeded", exitCode: 0, signal: null })).toBe("process finished (exit code 0)");
    expect(exitLine({ status: "failed", exitCode: 7, signal: null })).toBe("process exited with code 7");
    expect(exitLine({ status: "failed", exitCode: null, signal: "SIGKILL" })).toBe("process was killed by SIGKILL");
    expect(exitLine({ status: "stopped", exitCode: null, signal: "SIGTERM" })).toBe("stopped");
    expect(exitLine({ status: "interrupted", exitCode: null, signal: null })).toMatch(/interrupted/);
  });
});

describe("mergeNotices", () => {
  it("combines an exit and the status it caused into one notice, most urgent first", () => {
    const seen = new SeenSet();
    const exit = noticeFor(executionChanged("e1", "failed", 1), seen, () => undefined)!;
    const failed = noticeFor(taskChanged("failed", "running"), seen, titles)!;
    const merged = mergeNotices(exit, failed);
    expect(merged).toMatchObject({ kind: "failed", title: "Fix login", lines: ["failed", "process exited with code 1"] });
    expect(noticeHeadline(merged)).toBe("Fix login: failed · process exited with code 1");
    expect(notificationContent(merged)).toEqual({ title: "Fix login", body: "Failed · process exited with code 1" });
    // Under a "Failed" badge, the toast says only what the badge does not.
    expect(linesBesideBadge(merged)).toEqual(["process exited with code 1"]);
    expect(linesBesideBadge(failed)).toEqual(["failed"]);
  });

  it("keeps the agent's message in the notification body", () => {
    const notice = noticeFor(taskChanged("needs_input", "running", "Pick a port"), new SeenSet(), titles)!;
    expect(notificationContent(notice).body).toBe("Needs your input: Pick a port");
  });

  it("names an unknown task generically", () => {
    const notice = noticeFor(executionChanged("e9", "succeeded", 0), new SeenSet(), () => undefined)!;
    expect(noticeHeadline(notice)).toBe("A task: process finished (exit code 0)");
  });
});
