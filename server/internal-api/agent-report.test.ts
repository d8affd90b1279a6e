import { describe, expect, it } from "vitest";
import { interpretCallback } from "./agent-report";

const hook = (event: string, extra: Record<string, unknown> = {}) => ({
  hook_event_name: event,
  session_id: "7f1c2a9e-1111-2222-3333-444455556666",
  transcript_path: "/home/me/.claude/projects/x/7f1c.jsonl",
  cwd: "/tmp",
  permission_mode: "default",
  ...extra,
});
const SESSION = "7f1c2a9e-1111-2222-3333-444455556666";

describe("interpretCallback: plain reports", () => {
  it("takes status, message and sessionId", () => {
    expect(interpretCallback({ status: "review", message: " tests pass ", sessionId: "abc-1" }, null)).toEqual({
      kind: "report",
      report: { status: "review", message: "tests pass", sessionId: "abc-1" },
    });
    expect(interpretCallback({ status: "done" }, "running")).toEqual({ kind: "report", report: { status: "done", message: null, sessionId: undefined } });
  });

  it("refuses unknown statuses, unknown fields and non-objects with messages naming the field", () => {
    expect(() => interpretCallback({ status: "finished" }, null)).toThrowError(/status: must be one of running, needs_input, review, done, failed/);
    expect(() => interpretCallback({ status: "done", msg: "x" }, null)).toThrowError(/msg/);
    expect(() => interpretCallback({ status: "done", sessionId: "bad id!" }, null)).toThrowError(/sessionId/);
    expect(() => interpretCallback({ status: "done", message: "x".repeat(2001) }, null)).toThrowError(/message: must be at most 2000/);
    expect(() => interpretCallback([1], null)).toThrowError(/body/);
    expect(() => interpretCallback(undefined, null)).toThrowError(/status/);
  });
});

describe("interpretCallback: Claude Code hook payloads", () => {
  it("SessionStart records the session id and running", () => {
    expect(interpretCallback(hook("SessionStart", { source: "startup" }), null)).toEqual({
      kind: "hook",
      event: "SessionStart",
      report: { status: "running", message: null, sessionId: SESSION },
      transcriptPath: "/home/me/.claude/projects/x/7f1c.jsonl",
    });
  });

  it("takes the transcript path of any event only as an absolute, normal path to a .jsonl file; others are dropped, not refused", () => {
    expect(interpretCallback(hook("SessionEnd"), "running")).toMatchObject({ transcriptPath: "/home/me/.claude/projects/x/7f1c.jsonl" });
    for (const bad of ["relative/x.jsonl", "/a/../etc/passwd.jsonl", "/a//b.jsonl", "/a/./b.jsonl", "/etc/passwd", "/a/.jsonl", "/a/b\0c.jsonl", 42, null, "/" + "a".repeat(5000) + ".jsonl"]) {
      const meaning = interpretCallback(hook("Stop", { transcript_path: bad }), "running");
      expect(meaning, String(bad)).toMatchObject({ kind: "hook", event: "Stop" });
      expect(meaning, String(bad)).not.toHaveProperty("transcriptPath");
    }
  });

  it("UserPromptSubmit → running; Notification → needs_input with its message; Stop → review with the reply's start", () => {
    expect(interpretCallback(hook("UserPromptSubmit", { prompt: "go" }), "review")).toMatchObject({ report: { status: "running" } });
    expect(
      interpretCallback(hook("Notification", { message: "Claude needs your permission to use Bash", notification_type: "permission_prompt" }), "running"),
    ).toMatchObject({ report: { status: "needs_input", message: "Claude needs your permission to use Bash", sessionId: SESSION } });
    const stop = interpretCallback(hook("Stop", { stop_hook_active: false, last_assistant_message: `All done.\n\n${"x".repeat(1000)}` }), "running");
    expect(stop).toMatchObject({ report: { status: "review" } });
    expect((stop.report.message ?? "").length).toBeLessThanOrEqual(300);
    expect(stop.report.message).toMatch(/^All done\. x+…$/);
  });

  it("never overwrites what the agent reported on purpose", () => {
    for (const current of ["review", "done", "failed"] as const) {
      expect(interpretCallback(hook("Stop"), current)).toMatchObject({ report: { sessionId: SESSION }, ignored: `kept the reported status ${current}` });
      expect(interpretCallback(hook("Notification", { notification_type: "idle_prompt", message: "waiting" }), current).report.status).toBeUndefined();
    }
    expect(interpretCallback(hook("Notification", { notification_type: "permission_prompt", message: "allow?" }), "done").report.status).toBe("needs_input");
    expect(interpretCallback(hook("Notification", { notification_type: "auth_success", message: "ok" }), "running").report.status).toBeUndefined();
  });

  it("acknowledges and ignores other events, and survives odd fields", () => {
    expect(interpretCallback(hook("SessionEnd", { reason: "exit" }), "running")).toMatchObject({ kind: "hook", report: {}, ignored: expect.any(String) });
    expect(interpretCallback(hook("PreToolUse", { tool_name: "Bash" }), "running")).toMatchObject({ report: {} });
    expect(interpretCallback({ hook_event_name: "Stop", session_id: "not a valid id!", last_assistant_message: 42 }, null)).toEqual({
      kind: "hook",
      event: "Stop",
      report: { status: "review", message: null, sessionId: undefined },
    });
    expect(() => interpretCallback({ hook_event_name: 7 }, null)).toThrowError(/hook_event_name/);
  });
});

describe("interpretCallback: Gemini CLI hooks", () => {
  it("maps BeforeAgent to running and AfterAgent to review with the start of the response", () => {
    // (The transcript path the shared fixture carries is not read for Gemini runs: see callback.ts.)
    expect(interpretCallback(hook("BeforeAgent", { prompt: "go" }), "needs_input")).toMatchObject({
      kind: "hook",
      event: "BeforeAgent",
      report: { status: "running", message: null, sessionId: SESSION },
    });
    expect(interpretCallback(hook("AfterAgent", { prompt: "go", prompt_response: "All  tests\npass.", stop_hook_active: false }), "running")).toMatchObject({
      kind: "hook",
      event: "AfterAgent",
      report: { status: "review", message: "All tests pass.", sessionId: SESSION },
    });
  });

  it("keeps what the agent reported during the turn, and reads a tool permission notification as needs_input", () => {
    expect(interpretCallback(hook("AfterAgent", { prompt_response: "x" }), "done")).toMatchObject({ report: { sessionId: SESSION }, ignored: "kept the reported status done" });
    expect(interpretCallback(hook("Notification", { notification_type: "ToolPermission", message: "Allow shell: rm -rf build?" }), "running")).toMatchObject({
      report: { status: "needs_input", message: "Allow shell: rm -rf build?" },
    });
  });
});

describe("interpretCallback: Codex notify", () => {
  const THREAD = "0199a213-81c0-7800-8aa1-bbab2a035a53";
  const turn = (extra: Record<string, unknown> = {}) => ({
    type: "agent-turn-complete",
    "thread-id": THREAD,
    "turn-id": "12345",
    cwd: "/tmp/p",
    "input-messages": ["Rename foo to bar"],
    "last-assistant-message": "Rename complete and verified `cargo build` succeeds.",
    ...extra,
  });

  it("reads a finished turn as review, with the thread id as the session id", () => {
    expect(interpretCallback(turn(), "running")).toEqual({
      kind: "hook",
      event: "agent-turn-complete",
      report: { status: "review", message: "Rename complete and verified `cargo build` succeeds.", sessionId: THREAD },
    });
  });

  it("keeps a final status, ignores other notification types, and refuses a malformed type", () => {
    expect(interpretCallback(turn(), "failed")).toMatchObject({ report: { sessionId: THREAD }, ignored: "kept the reported status failed" });
    expect(interpretCallback({ type: "approval-requested", "thread-id": THREAD }, "running")).toMatchObject({ report: { sessionId: THREAD }, ignored: "approval-requested notifications are not used" });
    expect(() => interpretCallback({ type: 42 }, null)).toThrowError(/type: must be text/);
  });
});
