import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppEvent } from "../../src/server/events/app-events";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure, readBuffer, startTask, terminalPath } from "../helpers/api-calls";
import { commandProfile, makeTask, shellProfile, waitFor } from "../helpers/test-services";
import { assistantLines, jsonl, userLine } from "../helpers/claude-transcript";
import { formatStatus } from "../../src/mcp/format";

/** CALLBACK_URL: the URL is the credential, it acts on its own execution, and pages hear of it. */
describe("CALLBACK_URL", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  /** Starts a task that prints its CALLBACK_URL and waits; returns the URL's path and the execution. */
  async function runWithCallback(title: string): Promise<{ taskId: string; executionId: string; path: string }> {
    const profile = commandProfile(h.services, `cb-${title}`, "/bin/bash", ["-c", 'echo "CB=$CALLBACK_URL"; sleep 60']);
    const task = makeTask(h.services, profile, title);
    const execution = await startTask(h, task.id);
    const res = await readBuffer(h, task.id, { waitFor: "pattern", pattern: "CB=http\\S+/api/callback/\\S+", since: 0, clean: true, timeoutMs: 10_000 });
    const url = new URL(/CB=(\S+)/.exec(res.body.data.output)![1]!);
    expect(url.origin).toBe(h.origin);
    return { taskId: task.id, executionId: execution.id, path: url.pathname };
  }

  it("a report sent before the server has written the run's row waits for it instead of getting a 404", async () => {
    // The host's answer to the spawn is held back until the program's curl has either been
    // answered (what happened before: a 404) or has had time to reach the server and wait.
    const sessions = h.services.sessions;
    const spawn = sessions.spawn.bind(sessions);
    let taskId = "";
    const output = () => h.services.host.sessionFor(taskId)?.log.read({ mode: "tail", tailLines: 50 }).output ?? "";
    sessions.spawn = async (spec) => {
      const spawned = await spawn(spec);
      await waitFor(() => output().includes("CALLBACK-STATUS="), 2_000, "curl's answer").catch(() => undefined);
      return spawned;
    };
    try {
      const script = `curl -s -o /dev/null -w 'CALLBACK-STATUS=%{http_code}\\n' -X POST "$CALLBACK_URL" -H 'content-type: application/json' -d '{"status":"review","message":"first thing"}'; sleep 60`;
      const task = makeTask(h.services, commandProfile(h.services, "instant-reporter", "/bin/sh", ["-c", script]), "instant");
      taskId = task.id;
      await startTask(h, task.id);
      const res = await readBuffer(h, task.id, { waitFor: "pattern", pattern: "CALLBACK-STATUS=\\d+", since: 0, clean: true, timeoutMs: 15_000 });
      expect(res.body.data.output).toContain("CALLBACK-STATUS=200");
      expect(h.services.tasks.get(task.id)).toMatchObject({ status: "review", statusMessage: "first thing" });
    } finally {
      sessions.spawn = spawn;
    }
  });

  it("works with exactly the documented curl, run from inside a task terminal; pages get the events", async () => {
    const events: AppEvent[] = [];
    h.services.events.onEvent((event) => events.push(event));
    const curl = `printf 'url = "%s"\\n' "$CALLBACK_URL" | curl -sS -K- -H 'content-type: application/json' -d '{"status":"review","message":"tests pass"}'`;
    const task = makeTask(h.services, shellProfile(h.services), "reporter", curl);
    const execution = await startTask(h, task.id);

    const task2 = await waitFor(() => {
      const t = h.services.tasks.get(task.id);
      return t.status === "review" ? t : undefined;
    }, 15_000, "the task to be in review");
    expect(task2.statusMessage).toBe("tests pass");
    expect(h.services.executions.get(execution.id)).toMatchObject({ agentStatus: "review", agentMessage: "tests pass" });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "task.changed", task: expect.objectContaining({ id: task.id, status: "review", statusMessage: "tests pass" }) }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: "execution.changed", execution: expect.objectContaining({ id: execution.id, agentStatus: "review" }) }),
    );

    // curl printed the answer into the terminal.
    const answer = await readBuffer(h, task.id, { waitFor: "pattern", pattern: '"taskUpdated":true', since: 0, clean: true, timeoutMs: 10_000 });
    expect(answer.body.data.output).toContain('{"success":true,"data":{');
    const status = (await h.request("GET", terminalPath(task.id, "status"))).body.data;
    expect(status).toMatchObject({ taskStatus: "review", taskStatusMessage: "tests pass", agentStatus: "review", agentMessage: "tests pass" });
  });

  it("takes a JSON report without any token; a new status without message clears the old message", async () => {
    const run = await runWithCallback("a");
    const res = await h.request("POST", run.path, { token: null, body: { status: "needs_input", message: "Which database?", sessionId: "sess-1" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: { executionId: run.executionId, taskId: run.taskId, event: null, status: "needs_input", taskUpdated: true },
    });
    expect(h.services.tasks.get(run.taskId)).toMatchObject({ status: "needs_input", statusMessage: "Which database?" });
    expect(h.services.executions.get(run.executionId)).toMatchObject({ agentStatus: "needs_input", agentSessionId: "sess-1" });

    await h.request("POST", run.path, { token: null, body: { status: "running" } });
    expect(h.services.tasks.get(run.taskId)).toMatchObject({ status: "running", statusMessage: null });
    expect(h.services.executions.get(run.executionId)).toMatchObject({ agentStatus: "running", agentMessage: null, agentSessionId: "sess-1" });
  });

  it("a secret acts on its own execution only; wrong, foreign and unknown all get the same 404", async () => {
    const a = await runWithCallback("a");
    const b = await runWithCallback("b");
    const [, , , aId, aSecret] = a.path.split("/");
    const [, , , , bSecret] = b.path.split("/");
    const body = { status: "done", message: "hijacked" };
    const attempts = [
      `/api/callback/${aId}/${bSecret}`, // another execution's secret
      `/api/callback/${aId}/${aSecret}x`, // a wrong secret
      `/api/callback/${aId}/${aSecret!.slice(0, -1)}`,
      `/api/callback/00000000-0000-0000-0000-000000000000/${aSecret}`, // an unknown execution
      `/api/callback/${aId}/not%20a%20secret`,
    ];
    const answers = new Set<string>();
    for (const path of attempts) {
      const res = await h.request("POST", path, { token: null, body });
      expectFailure(res, 404, "not_found:callback");
      answers.add(res.text);
    }
    expect(answers.size).toBe(1); // nothing tells which part was wrong
    expectFailure(await h.request("POST", `/api/callback/${aId}`, { token: null, body }), 404, "not_found:callback");
    expectFailure(await h.request("POST", `${a.path}/extra`, { token: null, body }), 404, "not_found:callback");
    for (const run of [a, b]) {
      expect(h.services.tasks.get(run.taskId).status).toBe("running");
      expect(h.services.executions.get(run.executionId).agentStatus).toBeNull();
    }
  });

  it("keeps the loopback and Host checks, refuses other methods, bad JSON and bad reports", async () => {
    const run = await runWithCallback("a");
    expectFailure(await h.request("POST", run.path, { token: null, host: "evil.example:80", body: { status: "done" } }), 403, "forbidden:host");
    const get = await h.request("GET", run.path, { token: null });
    expectFailure(get, 405, "bad_request:method");
    expect(get.headers.allow).toBe("POST");
    expectFailure(await h.request("POST", run.path, { token: null, body: "{status: done}" }), 400, "bad_request:json");
    expectFailure(await h.request("POST", run.path, { token: null, body: '{"status":"done"}', contentType: "text/plain" }), 415, "unsupported_media_type:body");
    expectFailure(await h.request("POST", run.path, { token: null, body: { status: "finished" } }), 400, "bad_request:body", /status: must be one of/);
    expectFailure(await h.request("POST", run.path, { token: null }), 400, "bad_request:body", /status/);
    expect(h.services.tasks.get(run.taskId).status).toBe("running");
  });

  it("accepts Claude Code hook JSON: SessionStart, Notification, Stop, UserPromptSubmit; ignores the rest", async () => {
    const run = await runWithCallback("claude");
    const hook = (event: string, extra: Record<string, unknown> = {}) =>
      h.request("POST", run.path, {
        token: null,
        body: { session_id: "0b9c7c1e-4a1d-4a51-9c3e-6d7a2f1e9b00", transcript_path: "/tmp/t.jsonl", cwd: "/tmp", hook_event_name: event, ...extra },
      });

    const start = await hook("SessionStart", { source: "startup", model: "claude-sonnet" });
    expect(start.body.data).toMatchObject({ event: "SessionStart", status: "running", taskUpdated: true });
    expect(h.services.executions.get(run.executionId).agentSessionId).toBe("0b9c7c1e-4a1d-4a51-9c3e-6d7a2f1e9b00");
    expect(h.services.executions.latestAgentSessionId(run.taskId)).toBe("0b9c7c1e-4a1d-4a51-9c3e-6d7a2f1e9b00");

    await hook("Notification", { message: "Claude needs your permission to use Bash", notification_type: "permission_prompt" });
    expect(h.services.tasks.get(run.taskId)).toMatchObject({ status: "needs_input", statusMessage: "Claude needs your permission to use Bash" });

    await hook("UserPromptSubmit", { prompt: "yes, go on" });
    expect(h.services.tasks.get(run.taskId)).toMatchObject({ status: "running", statusMessage: null });

    await hook("Stop", { stop_hook_active: false, last_assistant_message: "Refactored the parser; all 42 tests pass." });
    expect(h.services.tasks.get(run.taskId)).toMatchObject({ status: "review", statusMessage: "Refactored the parser; all 42 tests pass." });
    expect(h.services.executions.get(run.executionId)).toMatchObject({ agentStatus: "review" });

    const end = await hook("SessionEnd", { reason: "exit" });
    expect(end.status).toBe(200);
    expect(end.body.data).toMatchObject({ event: "SessionEnd", status: null, taskUpdated: false, ignored: expect.any(String) });
    const other = await hook("PreCompact", { trigger: "auto" });
    expect(other.body.data).toMatchObject({ status: null, ignored: expect.any(String) });
    expect(h.services.tasks.get(run.taskId).status).toBe("review");
  });

  it("records a hook's transcript_path; the status API and MCP show the run's tokens and cost, current as the transcript grows", async () => {
    const run = await runWithCallback("usage");
    const transcript = path.join(h.services.dataDir, "claude-home", "projects", "-work", "0b9c7c1e.jsonl");
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
    const now = Date.now();
    fs.writeFileSync(
      transcript,
      jsonl([
        // A resumed session's history: older than this run, not its cost.
        ...assistantLines({ id: "msg_old", model: "claude-sonnet-4-5-20250929", usage: { input: 5_000, output: 5_000 }, at: new Date(now - 3_600_000) }),
        userLine("add the endpoint", new Date(now)),
        ...assistantLines({ id: "msg_a", model: "claude-sonnet-4-5-20250929", usage: { input: 1_000, output: 2_000, cacheWrite: 10_000, cacheRead: 50_000 }, at: new Date(now + 1), blocks: ["thinking", "tool_use"] }),
      ]),
    );
    const hook = (event: string, transcriptPath: unknown) =>
      h.request("POST", run.path, { token: null, body: { session_id: "0b9c7c1e-4a1d-4a51-9c3e-6d7a2f1e9b00", transcript_path: transcriptPath, cwd: "/tmp", hook_event_name: event } });

    const refused = await hook("SessionStart", "../../etc/passwd.jsonl");
    expect(refused.body.data).toMatchObject({ status: "running" });
    expect(refused.body.data).not.toHaveProperty("usageTracked");
    const start = await hook("SessionStart", transcript);
    expect(start.body.data).toMatchObject({ event: "SessionStart", status: "running", usageTracked: true });

    const status = (await h.request("GET", terminalPath(run.taskId, "status"))).body.data;
    // $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    const cost = (1_000 * 3 + 2_000 * 15 + 10_000 * 3.75 + 50_000 * 0.3) / 1e6;
    expect(status.usage).toMatchObject({ input: 1_000, output: 2_000, cacheWrite: 10_000, cacheRead: 50_000, totalTokens: 63_000, messages: 1, pricesAsOf: expect.any(String) });
    expect(status.usage.costUsd).toBeCloseTo(cost, 9);
    expect(formatStatus(status)).toMatch(/^Usage: 63k tokens · \$0\.09 \(in 1k, out 2k, cache write 10k, cache read 50k; 1 response; claude-sonnet-4-5-20250929; prices as of \d{4}-\d\d-\d\d\)$/m);

    fs.appendFileSync(transcript, jsonl(assistantLines({ id: "msg_b", model: "claude-sonnet-4-5-20250929", usage: { input: 500, output: 500 }, at: new Date(now + 2) })));
    await hook("Stop", transcript);
    const after = (await h.request("GET", terminalPath(run.taskId, "status"))).body.data;
    expect(after.usage).toMatchObject({ input: 1_500, output: 2_500, messages: 2 });
    // Only numbers leave the server: no path, no transcript text.
    expect(JSON.stringify(after)).not.toContain(transcript);
    expect(JSON.stringify(after)).not.toContain("add the endpoint");
  });

  it("a run that has ended answers 410 and changes nothing, neither the run nor the task", async () => {
    const first = await runWithCallback("ended");
    await h.request("POST", terminalPath(first.taskId, "stop"), { body: {} });
    const stoppedStatus = h.services.tasks.get(first.taskId).status;
    expect(h.services.executions.get(first.executionId).status).not.toBe("running");

    const late = await h.request("POST", first.path, { token: null, body: { status: "failed", message: "late report" } });
    expectFailure(late, 410, "gone:run_ended");
    expect(h.services.executions.get(first.executionId).agentStatus).toBeNull();
    expect(h.services.tasks.get(first.taskId).status).toBe(stoppedStatus);

    // A new run of the same task: the old URL still changes nothing, the new run is untouched.
    const second = await startTask(h, first.taskId);
    const again = await h.request("POST", first.path, { token: null, body: { status: "done", message: "old news" } });
    expectFailure(again, 410, "gone:run_ended");
    expect(h.services.executions.get(second.id).agentStatus).toBeNull();
    expect(h.services.tasks.get(first.taskId).status).toBe("running");
  });
});
