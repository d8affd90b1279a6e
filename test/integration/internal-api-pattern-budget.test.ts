import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure, readBuffer, sendInput, startTask, terminalPath } from "../helpers/api-calls";
import { commandProfile, makeTask, waitFor } from "../helpers/test-services";

/**
 * A catastrophically backtracking `waitFor=pattern` regex must not stall the server: it runs off
 * the main thread and is cut off with a 400, while every other request is answered meanwhile.
 */
describe("waitFor=pattern with a backtracking regex", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it("answers 400 with a clear message, and the server answers other requests while it runs", async () => {
    const profile = commandProfile(h.services, "cat", "/bin/bash", ["--norc", "--noprofile", "-c", "stty -echo; echo READY; exec cat"]);
    const task = makeTask(h.services, profile, "redos");
    await startTask(h, task.id);
    const ready = await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "READY", timeoutMs: 20_000 });
    expect(ready.body.data.wait, ready.text).toMatchObject({ satisfied: true });

    // The wait looks at new output only, so its first scan happens when the line below arrives.
    const order: string[] = [];
    const evil = readBuffer(h, task.id, { waitFor: "pattern", pattern: "(a+)+$", flags: "m", timeoutMs: 45_000 }).then((res) => {
      order.push("pattern");
      return res;
    });
    await waitFor(() => h.dispatcher.openWaits === 1, 20_000, "the wait to be registered");
    const line = `${"a".repeat(34)}b`;
    expect((await sendInput(h, task.id, line)).status).toBe(200);
    // Once a read shows the line, the wait's scan of it has been dispatched (it is scheduled in the
    // same turn the output lands). A request sent after that is answered while the scan runs.
    while (!(await readBuffer(h, task.id, { since: 0 })).body.data.output.includes(line)) await new Promise((r) => setTimeout(r, 20));
    const status = await h.request("GET", terminalPath(task.id, "status"));
    order.push("status");
    expect(status.status, status.text).toBe(200);
    const res = await evil;
    expect(order, res.text).toEqual(["status", "pattern"]);
    expectFailure(res, 400, "bad_request:pattern", /backtracks catastrophically/);

    // An ordinary pattern on the same output still matches.
    const ok = await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "a+b$", flags: "m", timeoutMs: 20_000 });
    expect(ok.body.data.wait, ok.text).toMatchObject({ satisfied: true, match: line });
  });
});
