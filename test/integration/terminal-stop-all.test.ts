import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { traceStops } from "../helpers/stop-trace";
import { commandProfile, createTestServices, makeTask, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

describe("TerminalService.stopAll (Missions' Stop all)", () => {
  let services: TestServices;

  beforeEach(async () => {
    services = await createTestServices();
  });

  afterEach(async () => {
    await services.dispose();
  });

  it("stops only the running sessions, in parallel, and says how many", async () => {
    // Each ignores SIGTERM, so each needs the full grace and SIGKILL: one after another would take 3 graces.
    const stubborn = commandProfile(services, "stubborn", "/bin/bash", ["-c", "trap '' TERM HUP; echo ready; while :; do sleep 0.2; done"]);
    const quick = commandProfile(services, "quick", "/bin/bash", ["-c", "exit 0"]);
    const running = [0, 1, 2].map((i) => makeTask(services, stubborn, `stubborn-${i}`));
    const finished = makeTask(services, quick, "finished");
    const finishedRun = await services.terminals.start(finished.id);
    const runs = await Promise.all(running.map((task) => services.terminals.start(task.id)));
    await waitFor(() => services.executions.get(finishedRun.id).status === "succeeded", 10_000, "the quick run to end");
    await waitFor(() => running.every((task) => services.host.sessionFor(task.id)?.log.read({ mode: "full" }).output.includes("ready")), 10_000, "ready");

    // Traced where the stops run: the sessions in the terminal host (in this process).
    const trace = traceStops(running.map((task) => services.host.sessionFor(task.id)!));
    const stopped = await services.terminals.stopAll();

    expect(stopped).toBe(3);
    // In parallel: all three stops were under way before the first one (a full grace, then SIGKILL) ended.
    expect(trace).toEqual(["begin", "begin", "begin", "end", "end", "end"]);
    expect(services.sessions.runningCount()).toBe(0);
    for (const run of runs) expect(services.executions.get(run.id).status).toBe("stopped");
    for (const task of running) expect(services.tasks.get(task.id).status).toBe("interrupted");
    // The exited session is left as it was, still viewable until it is reaped.
    expect(services.executions.get(finishedRun.id).status).toBe("succeeded");
    expect(services.sessions.get(finished.id)).toBeDefined();
    // Nothing left to stop: a second call is a no-op.
    expect(await services.terminals.stopAll()).toBe(0);
  });
});
