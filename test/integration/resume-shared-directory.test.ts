import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliProfile } from "../../src/server/db/schema";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { startTask, waitForExit } from "../helpers/api-calls";

/**
 * Codex (`resume --last`), Gemini (`--resume latest`), opencode (`--continue`) and Aider (its chat
 * history) resume the most recent session of the directory they run in, not of a task. When two
 * tasks share a directory (no worktrees), that can be the other task's conversation.
 */
describe("resume without a session id in a directory two tasks share", () => {
  let h: ApiHarness;
  let shared: string;
  let elsewhere: string;

  beforeAll(async () => {
    h = await startApiHarness();
    shared = fs.mkdtempSync(path.join(os.tmpdir(), "aim-shared-"));
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "aim-elsewhere-"));
  });

  afterAll(async () => {
    await h?.close();
    fs.rmSync(shared, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  /** A profile of the CLI kind whose program only prints its arguments. */
  function profileOf(kind: "aider" | "codex" | "opencode"): CliProfile {
    return h.services.profiles.create({ name: `echo as ${kind}`, kind, command: "/bin/echo", args: [], promptDelivery: "args" });
  }

  function taskOf(title: string, profile: CliProfile, cwd = shared) {
    return h.services.tasks.create({ title, cwd, prompt: "", profileId: profile.id });
  }

  async function run(taskId: string): Promise<void> {
    await startTask(h, taskId);
    await waitForExit(h, taskId);
  }

  async function resumeError(taskId: string, sessionId?: string) {
    return h.services.terminals.resume(taskId, sessionId).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string },
    );
  }

  /** A resume that is not refused, run to its end: what it printed. */
  async function resumeToEnd(taskId: string, sessionId?: string) {
    expect(await resumeError(taskId, sessionId)).toBeUndefined();
    return waitForExit(h, taskId);
  }

  it("refuses to open the conversation of a task that ran the same CLI there later, and says which", async () => {
    const aider = profileOf("aider");
    const first = taskOf("First in shared", aider);
    const second = taskOf("Second in shared", aider);
    const apart = taskOf("Apart", aider, elsewhere);
    await run(first.id);
    await run(second.id);
    await run(apart.id);

    const refused = await resumeError(first.id);
    expect(refused).toMatchObject({ code: "conflict:resume" });
    expect(refused!.message).toBe(
      `Aider resumes its most recent session in ${shared}, and the task "Second in shared" ran Aider there after this task: Resume would open that task's conversation. Start this task again instead.`,
    );
    // Nothing was started for it.
    expect(h.services.terminals.session(first.id)?.running ?? false).toBe(false);

    // The task that ran last resumes its own; so does one alone in its directory.
    await resumeToEnd(second.id);
    await resumeToEnd(apart.id);

    // After starting again, the first task's run is the latest: its resume is its own.
    await run(first.id);
    await resumeToEnd(first.id);
  });

  it("only compares runs of the same CLI, and lets a session id through", async () => {
    const codex = profileOf("codex");
    const opencode = profileOf("opencode");
    const codexTask = taskOf("Codex task", codex);
    const opencodeTask = taskOf("opencode task", opencode);
    const laterCodex = taskOf("Later Codex", codex);
    await run(codexTask.id);
    await run(opencodeTask.id);
    // Another CLI ran there since: its sessions are not Codex's.
    await resumeToEnd(codexTask.id);

    await run(laterCodex.id);
    const refused = await resumeError(codexTask.id);
    expect(refused).toMatchObject({ code: "conflict:resume" });
    expect(refused!.message).toContain(`the task "Later Codex" ran Codex CLI there after this task`);
    expect(refused!.message).toMatch(/Start this task again instead, or resume it with its session id\.$/);
    // With its own session id, Codex opens exactly that one.
    const resumed = await resumeToEnd(codexTask.id, "019a0000-0000-7000-8000-000000000001");
    expect(resumed.output).toContain("019a0000-0000-7000-8000-000000000001");
  });
});
