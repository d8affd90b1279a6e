import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskStatus } from "../../src/lib/domain";
import { createTestServices, waitFor, type TestServices } from "../helpers/test-services";

const FAKE_AIDER = path.resolve(__dirname, "../fixtures/fake-aider.mjs");

/**
 * Status read from the screen, on a real PTY in the real terminal host: an Aider-like chat (its
 * `> ` prompt after output goes quiet) moves its task to needs_input; typed input and the output
 * that follows move it back to running; the prompt again → needs_input. A status someone set on
 * purpose is left alone.
 */
describe("screen status for CLIs without hooks", () => {
  let services: TestServices;

  beforeEach(async () => {
    services = await createTestServices();
  });

  afterEach(async () => {
    await services.dispose();
  });

  function aiderTask(prompt = "") {
    const profile = services.profiles.create({ name: "Fake Aider", kind: "aider", command: process.execPath, args: [FAKE_AIDER], promptDelivery: "type" });
    // No worktree: the fixture's folder is inside this repository, which a test must not branch.
    return services.tasks.create({ title: "chat", cwd: path.dirname(FAKE_AIDER), prompt, profileId: profile.id, isolation: "none" });
  }

  it("needs_input at the prompt, running while it answers, needs_input again after", async () => {
    const task = aiderTask();
    await services.terminals.start(task.id);
    const seen: TaskStatus[] = [services.tasks.get(task.id).status];
    services.events.onEvent(() => {
      const status = services.tasks.find(task.id)?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    await waitFor(() => services.tasks.get(task.id).status === "needs_input", 30_000, "the idle prompt");
    expect(services.tasks.get(task.id).statusMessage).toBe("Aider is waiting for your input");
    const execution = services.executions.latestForTask(task.id)!;
    expect(services.executions.get(execution.id).agentStatus).toBe("needs_input");

    services.sessions.get(task.id)!.write("rename foo\r");
    await waitFor(() => services.tasks.get(task.id).status === "running", 30_000, "running while it answers");
    await waitFor(() => services.tasks.get(task.id).status === "needs_input", 30_000, "the prompt after the answer");
    expect(seen).toEqual(["running", "needs_input", "running", "needs_input"]);
  }, 90_000);

  it("records what the screen says on the run, but leaves a task status set on purpose alone", async () => {
    const task = aiderTask();
    const execution = await services.terminals.start(task.id);
    await waitFor(() => services.tasks.get(task.id).status === "needs_input", 30_000, "the idle prompt");
    services.tasks.setStatus(task.id, "review", "looked at it");
    services.sessions.get(task.id)!.write("another\r");
    await waitFor(() => services.executions.get(execution.id).agentStatus === "running", 30_000, "the run seen working");
    await waitFor(() => services.executions.get(execution.id).agentStatus === "needs_input", 30_000, "the run seen at its prompt");
    expect(services.tasks.get(task.id)).toMatchObject({ status: "review", statusMessage: "looked at it" });
  }, 90_000);

  it("never replaces what the agent itself reported", async () => {
    const task = aiderTask();
    const execution = await services.terminals.start(task.id);
    await waitFor(() => services.tasks.get(task.id).status === "needs_input", 30_000, "the idle prompt");
    // As a POST to CALLBACK_URL records it.
    services.executions.recordAgentReport(execution.id, { status: "done", message: "shipped" });
    services.tasks.setStatus(task.id, "done", "shipped");
    const seen: string[] = [];
    services.events.onEvent(() => seen.push(services.executions.get(execution.id).agentStatus ?? "none"));
    services.sessions.get(task.id)!.write("more\r");
    const log = () => services.sessions.get(task.id)!.readLog({ mode: "tail", tailLines: 5, clean: true });
    // Its echo and answer came while the task sat at its prompt: each made the screen be read at once.
    for (let output = ""; !output.includes("Applied edit"); output = (await log()).output) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(services.executions.get(execution.id).agentStatus).toBe("done");
    expect(services.tasks.get(task.id).status).toBe("done");
    expect(seen.filter((status) => status !== "done")).toEqual([]);
  }, 90_000);
});
