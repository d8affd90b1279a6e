import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive } from "../../src/terminal/host/process-tree";
import { commandProfile, createTestServices, makeTask, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

/**
 * Stop must reach a background grandchild that moved to a session of its own (setsid) and ignores
 * SIGTERM and SIGHUP: it is found through its parent, and must still be killed after the signal
 * took that parent and it was re-parented to init. Found by test/system/shutdown.test.ts.
 */
describe("stopping a session with a setsid grandchild that ignores SIGTERM and SIGHUP", () => {
  let services: TestServices | undefined;
  let escaped: number | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (escaped && isAlive(escaped)) process.kill(escaped, "SIGKILL");
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await services?.dispose();
    services = undefined;
  });

  it("kills it too", async () => {
    services = await createTestServices();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-tree-"));
    const pidFile = path.join(dir, "pid");
    const script = `setsid sh -c 'trap "" TERM HUP; while :; do sleep 0.1; done' >/dev/null 2>&1 & echo $! > ${pidFile}; echo READY; while :; do sleep 1; done`;
    const task = makeTask(services, commandProfile(services, "escaper", "/bin/bash", ["-c", script]));
    await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    await waitFor(() => session.log.read({ mode: "full" }).output.includes("READY"), 10_000, "the script");
    escaped = Number(fs.readFileSync(pidFile, "utf8").trim());
    expect(isAlive(escaped)).toBe(true);
    await services.terminals.stop(task.id);
    expect(isAlive(escaped), `process ${escaped} survived the stop`).toBe(false);
  });
});
