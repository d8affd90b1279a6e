import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

import { clearServices, publishServices } from "@/server/registry";
import type { Services } from "@/server/services";
import { PASTE_END, PASTE_START, REVIEW_HEADER } from "@/lib/review/comment-paste";
import { AppError } from "@/lib/errors";
import { getTaskChanges, mergeTaskBranch, sendReviewComments } from "./review-actions";

const TASK = "task-1";
const COMMENTS = [{ path: "src/a.ts", startLine: 3, endLine: 4, side: "new" as const, text: "tidy this" }];

class FakeSession {
  running = true;
  writes: string[] = [];
  private listeners = new Set<() => void>();
  write(data: string) {
    this.writes.push(data);
  }
  onOutput(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emitOutput() {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The real service's start and resume resolve only after awaiting (the workspace, the host). */
const spawnDelay = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

function fakeServices(
  options: {
    session?: FakeSession;
    kind?: "claude" | "custom" | "shell";
    agentSessionId?: string;
    withWorkspaces?: boolean;
    worktreeGone?: boolean;
    startRefused?: AppError;
  } = {},
) {
  const task = { id: TASK, prompt: "the original brief", profileId: null as string | null };
  let session = options.session;
  const calls: string[] = [];
  const services = {
    logger: { error: () => undefined },
    tasks: {
      get: () => task,
      find: () => task,
      update: (_id: string, input: { prompt: string }) => {
        task.prompt = input.prompt;
        calls.push(`update:${input.prompt}`);
        return task;
      },
    },
    profiles: { find: () => undefined, getActive: () => ({ kind: options.kind ?? "custom", name: "Agent" }) },
    executions: { latestAgentSessionId: () => options.agentSessionId },
    terminals: {
      session: () => session,
      resume: async () => {
        calls.push("resume");
        await spawnDelay();
        session = new FakeSession();
        const resumed = session;
        setTimeout(() => resumed.emitOutput(), 10);
      },
      start: async (_id: string, opts: { prompt?: string }) => {
        calls.push(`start:${opts.prompt?.split("\n")[0]}`);
        await spawnDelay();
        if (options.startRefused) throw options.startRefused;
        // As the real service does: a changed prompt is stored on the task.
        if (opts.prompt !== undefined) task.prompt = opts.prompt;
      },
    },
    workspaces: {
      workspaceOf: () => (options.withWorkspaces === false ? undefined : { repoRoot: "/r", worktreePath: "/w", branch: "ai/x", baseBranch: "main", subdir: "" }),
      health: async () =>
        options.worktreeGone ? { state: "missing_worktree", message: "The worktree /w is missing or no longer a git worktree." } : { state: "ok" },
    },
    review: {
      changes: async () => {
        if (options.worktreeGone) throw new Error("git rev-parse could not run in /w: git is not installed, or the directory does not exist");
        return { files: [] };
      },
      merge: async () => ({ ok: false, reason: "conflict", message: "CONFLICT (content)", files: ["src/a.ts"] }),
    },
  };
  publishServices(services as unknown as Services);
  return { task, calls, getSession: () => session };
}

afterEach(() => clearServices());

describe("sendReviewComments", () => {
  it("pastes all comments into a running session, then Enter as its own write", async () => {
    const session = new FakeSession();
    fakeServices({ session });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toEqual({ ok: true, data: { delivery: "pasted" } });
    expect(session.writes).toEqual([`${PASTE_START}${REVIEW_HEADER}\nsrc/a.ts:3-4: tidy this${PASTE_END}`, "\r"]);
  });

  it("resumes an exited Claude session and pastes once its output settles", async () => {
    const { calls, getSession } = fakeServices({ kind: "claude", agentSessionId: "abc" });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toEqual({ ok: true, data: { delivery: "resumed" } });
    expect(calls).toEqual(["resume"]);
    const writes = (getSession() as FakeSession).writes;
    expect(writes[0]).toContain("src/a.ts:3-4: tidy this");
    expect(writes[1]).toBe("\r");
  });

  it("starts other profiles with the comments as the prompt and keeps the task's own prompt", async () => {
    const { task, calls } = fakeServices({ kind: "custom" });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toEqual({ ok: true, data: { delivery: "started" } });
    expect(calls[0]).toBe(`start:${REVIEW_HEADER}`);
    expect(task.prompt).toBe("the original brief");
  });

  it("says why when the new run could not start, and keeps the task's own prompt", async () => {
    const { task } = fakeServices({ kind: "custom", startRefused: new AppError("bad_request:cwd", "Working directory does not exist: /gone") });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toMatchObject({ ok: false, code: "bad_request:cwd", message: "Working directory does not exist: /gone" });
    expect(task.prompt).toBe("the original brief");
  });

  it("pastes into a running shell without the Enter that would run the comments as commands", async () => {
    const session = new FakeSession();
    fakeServices({ session, kind: "shell" });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toEqual({ ok: true, data: { delivery: "pasted_unsubmitted" } });
    expect(session.writes).toEqual([`${PASTE_START}${REVIEW_HEADER}\nsrc/a.ts:3-4: tidy this${PASTE_END}`]);
  });

  it("does not start a shell with the comments typed in as its first commands", async () => {
    const { task, calls } = fakeServices({ kind: "shell" });
    const result = await sendReviewComments({ taskId: TASK, comments: COMMENTS });
    expect(result).toMatchObject({ ok: false, code: "bad_request:comments" });
    expect(!result.ok && result.message).toMatch(/a shell: it would run the comments as commands/);
    expect(calls).toEqual([]);
    expect(task.prompt).toBe("the original brief");
  });

  it("refuses an empty list and bad input", async () => {
    fakeServices({ session: new FakeSession() });
    const empty = await sendReviewComments({ taskId: TASK, comments: [] });
    expect(empty).toMatchObject({ ok: false, code: "bad_request:comments" });
    const blank = await sendReviewComments({ taskId: TASK, comments: [{ ...COMMENTS[0]!, text: "   " }] });
    expect(blank).toMatchObject({ ok: false, code: "bad_request:comments" });
  });
});

describe("landing and changes", () => {
  it("returns a refused merge as an outcome with its reason and files", async () => {
    fakeServices();
    const result = await mergeTaskBranch({ taskId: TASK, strategy: "fast-forward" });
    expect(result).toEqual({ ok: true, data: { outcome: { ok: false, reason: "conflict", message: "CONFLICT (content)", files: ["src/a.ts"] } } });
  });

  it("says so when the task runs in place (no worktree to review)", async () => {
    fakeServices({ withWorkspaces: false });
    const result = await getTaskChanges(TASK);
    expect(result).toMatchObject({ ok: false, code: "not_found:workspace" });
  });

  it("names the workspace's problem when its worktree was removed by hand (not git's failure)", async () => {
    fakeServices({ worktreeGone: true });
    const result = await getTaskChanges(TASK);
    expect(result).toMatchObject({ ok: false, code: "conflict:workspace" });
    expect(!result.ok && result.message).toBe("The worktree /w is missing or no longer a git worktree. Use Repair in the Workspace panel below.");
  });
});
