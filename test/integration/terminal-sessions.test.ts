import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive, processesByEnv, sessionProcesses } from "../../src/terminal/host/process-tree";
import { EXECUTION_ID_ENV } from "../../src/server/terminals/run-leftovers";
import { recordingPath } from "../../src/terminal/recording/asciicast-writer";
import { autogroupNice, canLowerSessionGroups } from "../../src/terminal/host/session-priority";
import { defaultSettings } from "../../src/lib/settings-definitions";
import { RING_BYTES } from "../../src/terminal/contract/flow-control";
import { stripAnsi } from "../helpers/strip-ansi";
import { isAppError } from "../../src/lib/errors";
import { commandProfile, createTestServices, makeTask, shellProfile, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";
import { FakeViewer } from "../helpers/fake-viewer";
import { traceStops } from "../helpers/stop-trace";

/** The output so far, read from the session in the terminal host (in this process). */
function screenText(services: TestServices, taskId: string): string {
  const session = services.host.sessionFor(taskId);
  return session ? session.log.read({ mode: "tail", tailLines: 500 }).output : "";
}

describe("task terminals on real PTYs", () => {
  let services: TestServices;

  beforeEach(async () => {
    services = await createTestServices();
  });

  afterEach(async () => {
    await services.dispose();
  });

  it("runs the Shell profile with the prompt typed as its first command, with the task env", async () => {
    const task = makeTask(services, shellProfile(services), "shell", 'echo "task=$AI_MANAGER_TASK_ID cb=${CALLBACK_URL:0:40}"');
    const execution = await services.terminals.start(task.id);
    expect(execution.status).toBe("running");
    expect(services.tasks.get(task.id).status).toBe("running");
    await waitFor(() => screenText(services, task.id).includes(`task=${task.id} cb=http://127.0.0.1:9/api/callback/`), 10_000, "prompt output");
  });

  it("allows one running session per task: a second start fails and spawns nothing", async () => {
    const task = makeTask(services, commandProfile(services, "sleeper", "/bin/sleep", ["30"]));
    await services.terminals.start(task.id);
    const before = services.sessions.list().length;
    await expect(services.terminals.start(task.id)).rejects.toThrowError(/already running/);
    expect(services.sessions.list().length).toBe(before);
    expect(services.sessions.runningCount()).toBe(1);
  });

  it("with 50 starts fired at once on a limit of 20, exactly 20 run and the rest name the limit", async () => {
    services.settings.update({ "system.maxConcurrentExecutions": 20 });
    const profile = commandProfile(services, "sleeper", "/bin/sleep", ["30"]);
    const tasks = Array.from({ length: 50 }, (_, i) => makeTask(services, profile, `t${i}`));
    const results = await Promise.allSettled(tasks.map(async (t) => services.terminals.start(t.id)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(20);
    expect(failed).toHaveLength(30);
    for (const f of failed) {
      expect(isAppError(f.reason) && f.reason.code).toBe("limit:executions");
      expect(String(f.reason.message)).toContain("system.maxConcurrentExecutions is 20");
    }
    expect(services.sessions.runningCount()).toBe(20);
  });

  it("runs a task's programs at the CPU priority Settings chose: background (the default), normal on request", async () => {
    expect(defaultSettings()["terminal.cpuPriority"]).toBe("background");
    services.settings.update({ "terminal.cpuPriority": "background" });
    const profile = commandProfile(services, "sleeper", "/bin/sh", ["-c", "echo started; exec sleep 30"]);
    const started = async (title: string) => {
      const task = makeTask(services, profile, title);
      const execution = await services.terminals.start(task.id);
      await waitFor(() => screenText(services, task.id).includes("started"), 10_000, `${title} to start`);
      return execution.pid!;
    };
    const hostGroupNice = autogroupNice("self");
    const groups = await canLowerSessionGroups();
    const background = await started("background");
    await waitFor(() => os.getPriority(background) === 15 && (!groups || autogroupNice(String(background)) === 15), 10_000, "nice 15 on the program and its group");
    services.settings.update({ "terminal.cpuPriority": "normal" });
    const normal = await started("normal");
    expect(os.getPriority(normal)).toBe(os.getPriority());
    // A new session's group starts at nice 0 (undefined: no autogroup here), whatever the host's.
    expect(autogroupNice(String(normal)) ?? 0).toBe(0);
    // The host's own priority never moves.
    expect(autogroupNice("self")).toBe(hostGroupNice);
  });

  it("fails a start with a clear message for a bad cwd or a missing command", async () => {
    const missing = makeTask(services, commandProfile(services, "nope", "definitely-not-a-command-xyz", []));
    await expect(services.terminals.start(missing.id)).rejects.toThrowError(/Command not found: "definitely-not-a-command-xyz"/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-cwd-"));
    const task = services.tasks.create({ title: "gone", cwd: dir, profileId: shellProfile(services).id });
    fs.rmSync(dir, { recursive: true });
    await expect(services.terminals.start(task.id)).rejects.toThrowError(/Working directory does not exist/);
    expect(services.sessions.list()).toHaveLength(0);
    expect(services.tasks.get(task.id).status).toBe("todo");
  });

  it("keeps the tail of the output when the process exits, and records the exit code", async () => {
    const task = makeTask(services, commandProfile(services, "seq", "/bin/bash", ["-c", "seq 1 50000; echo END-MARKER; exit 3"]));
    const execution = await services.terminals.start(task.id);
    await waitFor(() => services.executions.get(execution.id).status !== "running", 20_000, "exit");
    const row = services.executions.get(execution.id);
    expect(row.status).toBe("failed");
    expect(row.exitCode).toBe(3);
    expect(services.tasks.get(task.id).status).toBe("failed");
    const session = services.host.sessionFor(task.id)!;
    const tail = session.log.read({ mode: "tail", tailLines: 3 }).output;
    expect(tail).toContain("50000");
    expect(tail).toContain("END-MARKER");
    expect(session.log.totalLines).toBe(50001);
  });

  it("stops the whole process tree, background jobs included", async () => {
    const task = makeTask(services, shellProfile(services), "bg", "sleep 1000 & echo BG=$!");
    await services.terminals.start(task.id);
    const text = await waitFor(() => /BG=(\d+)/.exec(screenText(services, task.id)), 10_000, "background pid");
    const bgPid = Number(text[1]);
    const session = services.sessions.get(task.id)!;
    expect(isAlive(bgPid)).toBe(true);
    expect(sessionProcesses(session.pid)).toContain(bgPid);
    await services.terminals.stop(task.id);
    expect(isAlive(bgPid)).toBe(false);
    expect(sessionProcesses(session.pid)).toHaveLength(0);
    const execution = services.executions.get(session.executionId);
    expect(execution.status).toBe("stopped");
    expect(execution.signal ?? String(execution.exitCode)).toBeTruthy();
    expect(services.tasks.get(task.id).status).toBe("interrupted");
  });

  it("reaps a running session nobody watches after keepaliveRunningMs, killing its process", async () => {
    services.settings.update({ "terminal.keepaliveRunningMs": 1_000, "terminal.keepaliveExitedMs": 60_000 });
    const task = makeTask(services, commandProfile(services, "sleeper", "/bin/sleep", ["30"]));
    await services.terminals.start(task.id);
    const session = services.sessions.get(task.id)!;
    const viewer = new FakeViewer(services.host.sessionFor(task.id)!).attach();
    viewer.detach();
    await waitFor(() => !services.sessions.get(task.id), 10_000, "reap");
    expect(isAlive(session.pid)).toBe(false);
    expect(services.executions.get(session.executionId).status).toBe("stopped");
  });

  it("keeps a watched session alive, and reaps an exited one after keepaliveExitedMs", async () => {
    services.settings.update({ "terminal.keepaliveRunningMs": 1_000, "terminal.keepaliveExitedMs": 1_000 });
    const task = makeTask(services, commandProfile(services, "short", "/bin/bash", ["-c", "sleep 2; echo done"]));
    await services.terminals.start(task.id);
    const session = services.sessions.get(task.id)!;
    new FakeViewer(services.host.sessionFor(task.id)!).attach();
    // Watched: outlives the 1 s running keepalive, exits by itself, then goes 1 s later.
    await waitFor(() => !session.running, 10_000, "exit");
    expect(services.sessions.get(task.id)).toBe(session);
    await waitFor(() => !services.sessions.get(task.id), 10_000, "reap after exit");
    expect(services.executions.get(session.executionId).status).toBe("succeeded");
  });

  it("answers terminal queries from the mirror when no browser is attached", async () => {
    const script = 'printf "\\033[6n"; IFS= read -rs -d R reply; echo "GOT:${reply#*[}"';
    const task = makeTask(services, commandProfile(services, "query", "/bin/bash", ["-c", `stty raw -echo; ${script}; stty sane`]));
    await services.terminals.start(task.id);
    await waitFor(() => /GOT:\d+;\d+/.test(screenText(services, task.id)), 10_000, "query answered");
  });

  it("gives a late viewer the screen then the live stream with no gap and no duplicate", async () => {
    // The second half waits for a line of input, so the viewer attaches to a running session however
    // late this test gets to it (a viewer attaching after the exit learns it from `hello`, no `exit`).
    const task = makeTask(services, commandProfile(services, "count", "/bin/bash", ["-c", 'for i in $(seq 1 3000); do echo "line-$i"; done; read -r _; for i in $(seq 3001 6000); do echo "line-$i"; done']));
    await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    await waitFor(() => session.log.totalLines >= 1000, 10_000, "some output");
    const viewer = new FakeViewer(session).attach();
    session.write("\r");
    await waitFor(() => !session.running, 20_000, "exit");
    await waitFor(
      () => viewer.messages.some((m) => m.type === "exit"),
      5_000,
      () => {
        const { syncing, position, unacked, queued } = viewer.viewer;
        const mirror = session.mirror;
        const state = { syncing, position, unacked, queued: queued.map((q) => q.message.type), head: session.outputBytes, written: mirror.writtenChars, parsed: mirror.parsedChars };
        return `the exit message; viewer got ${viewer.messages.map((m) => m.type).join(",")}; ${JSON.stringify(state)}`;
      },
    );
    const snapshot = viewer.messages.find((m) => m.type === "snapshot");
    expect(snapshot && snapshot.type === "snapshot" && snapshot.reason).toBe("attach");
    // The snapshot may end inside a line ("line-12") that the live stream completes ("3\r\n"):
    // joined, they must read as one unbroken, duplicate-free sequence up to the last line.
    const joined = stripAnsi((snapshot as { data: string }).data + viewer.text);
    const numbers = (joined.match(/line-(\d+)/g) ?? []).map((l) => Number(l.slice(5)));
    expect(numbers.at(-1)).toBe(6000);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1]! + 1);
    expect(viewer.text.length).toBeGreaterThan(0);
  });

  it("bounds a stalled viewer: it holds no more than the watermark, the others get everything", async () => {
    // Three rings' worth: enough for the stalled viewer to fall out of the ring (and be resynced),
    // small enough to pour through a PTY and the mirror on a loaded machine within the test timeout.
    const floodBytes = 3 * RING_BYTES;
    const task = makeTask(services, commandProfile(services, "flood", "/bin/bash", ["-c", `head -c ${floodBytes} /dev/zero | tr '\\0' 'x' | fold -w 100; echo FLOOD-END`]));
    await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    const stalled = new FakeViewer(session, { ack: false, keepText: false }).attach();
    const healthy = new FakeViewer(session, { ack: true, keepText: false }).attach();
    await waitFor(() => !session.running, 60_000, "flood to finish");
    await waitFor(() => healthy.receivedBytes >= session.outputBytes - 1, 10_000, "healthy viewer to catch up");
    // The stalled viewer got at most the high watermark plus one batch, and cost no extra memory:
    // the healthy one received every byte.
    expect(stalled.receivedBytes).toBeLessThan(100_000 + 512 * 1024);
    expect(healthy.receivedBytes).toBe(session.outputBytes);
    expect(session.outputBytes).toBeGreaterThan(floodBytes);
    // Once it acks again it is resynchronised from the mirror instead of replaying what it missed.
    session.handleViewerMessage(stalled.viewer, { type: "ack", bytes: stalled.receivedBytes });
    await waitFor(() => stalled.messages.some((m) => m.type === "snapshot" && m.reason === "resync"), 5_000, "resync");
  });
});

describe("shutdown", () => {
  it("stops 20 sessions — some ignoring SIGTERM, some with background grandchildren — and marks every run", async () => {
    const services = await createTestServices();
    try {
      const stubborn = commandProfile(services, "stubborn", "/bin/bash", ["-c", "trap '' TERM HUP; echo READY; while :; do sleep 0.2; done"]);
      const parent = commandProfile(services, "parent", "/bin/bash", ["-c", "(trap '' TERM HUP; sleep 1000) & sleep 1000 & echo READY; wait"]);
      const tasks = Array.from({ length: 20 }, (_, i) => makeTask(services, i % 2 ? stubborn : parent, `t${i}`));
      for (const t of tasks) await services.terminals.start(t.id);
      for (const t of tasks) await waitFor(() => screenText(services, t.id).includes("READY"), 10_000, "ready");
      const rootPids = tasks.map((t) => services.sessions.get(t.id)!.pid);
      const executionIds = tasks.map((t) => services.sessions.get(t.id)!.executionId);
      const allPids = rootPids.flatMap((pid) => sessionProcesses(pid));
      expect(allPids.length).toBeGreaterThan(40);
      // The host's own sessions: it stops them (what `npm run stop` does), not the app server.
      const trace = traceStops(tasks.map((t) => services.host.sessionFor(t.id)!));
      await services.stopSessions();
      // In parallel (twenty graces one after another would be minutes): every stop began before any ended.
      expect(trace).toEqual([...Array<string>(20).fill("begin"), ...Array<string>(20).fill("end")]);
      for (const pid of allPids) expect(isAlive(pid)).toBe(false);
      // The host reports each exit before it forgets the session: once the app server has seen every
      // session go, it has recorded every exit.
      await waitFor(() => services.sessions.list().length === 0, 10_000, "the app server to see every session go");
      for (const id of executionIds) expect(services.executions.get(id).status).toBe("stopped");
      // The app server leaving refuses new starts.
      services.terminals.detach();
      await expect(services.terminals.start(tasks[0]!.id)).rejects.toThrowError(/shutting down/);
    } finally {
      await services.dispose();
    }
  });
});

describe("a start whose task or profile is deleted while it starts", () => {
  let services: TestServices;
  /** Runs inside the next start, after its checks and before its rows are written. */
  let duringStart: (() => void) | undefined;
  let startedRun: string | undefined;

  beforeEach(async () => {
    services = await createTestServices(() => ({
      prepareLaunch: (ctx) => {
        startedRun = ctx.executionId;
        duringStart?.();
        return { args: ctx.args, env: {} };
      },
    }));
  });

  afterEach(async () => {
    duringStart = undefined;
    startedRun = undefined;
    await services.dispose();
  });

  /** Once the refused start has cleaned up: no process of the run, no recording without a row. */
  async function nothingLeftOf(executionId: string): Promise<void> {
    await waitFor(
      () => processesByEnv(EXECUTION_ID_ENV, new Set([executionId])).size === 0 && !fs.existsSync(recordingPath(services.dataDir, executionId)),
      10_000,
      "the run's process and recording to be gone",
    );
    expect(services.executions.find(executionId)).toBeUndefined();
  }

  /** The start's refusal as `{ code, message }` (anything else thrown, as it is). */
  async function refusedStart(taskId: string): Promise<unknown> {
    const error = await services.terminals.start(taskId).catch((e: unknown) => e);
    return isAppError(error) ? { code: error.code, message: error.message } : error;
  }

  it("a deleted task: not found, not a database error", async () => {
    const task = makeTask(services, commandProfile(services, "sleeper", "/bin/sleep", ["30"]));
    duringStart = () => services.tasks.delete(task.id);
    expect(await refusedStart(task.id)).toEqual({
      code: "not_found:task",
      message: "The task was deleted while its terminal was starting.",
    });
    await nothingLeftOf(startedRun!);
  });

  it("a deleted profile: a conflict naming it, and the task can start again with another", async () => {
    const profile = commandProfile(services, "doomed", "/bin/sleep", ["30"]);
    const task = makeTask(services, profile);
    duringStart = () => services.profiles.delete(profile.id);
    expect(await refusedStart(task.id)).toEqual({
      code: "conflict:profile",
      message: 'The CLI profile "doomed" was deleted while the task was starting; start it again to use another profile.',
    });
    await nothingLeftOf(startedRun!);
    duringStart = undefined;
    services.tasks.update(task.id, { profileId: commandProfile(services, "sleeper", "/bin/sleep", ["30"]).id });
    expect((await services.terminals.start(task.id)).status).toBe("running");
  });
});
