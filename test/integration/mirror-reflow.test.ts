import { afterEach, describe, expect, it } from "vitest";
import { commandProfile, createTestServices, makeTask, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

/**
 * A long wrapped line followed by a resize to one column overflowed the call stack in xterm's
 * reflow, inside the session's screen mirror — an uncaught exception that ended the server.
 * Found by the hostile-input suite (test/system/hostile-input.test.ts).
 */
describe("a terminal session resized to one column after a very long line", () => {
  let services: TestServices | undefined;
  afterEach(async () => {
    await services?.dispose();
    services = undefined;
  });

  it("keeps running and its mirror keeps working", async () => {
    services = await createTestServices();
    const profile = commandProfile(services, "raw cat", "/bin/sh", ["-c", "stty raw -echo; echo READY; exec cat"]);
    const task = makeTask(services, profile);
    await services.terminals.start(task.id);
    // The session in the terminal host (in this process), where the mirror runs.
    const session = services.host.sessionFor(task.id)!;
    await waitFor(() => session.log.read({ mode: "full" }).output.includes("READY"), 10_000, "the shell");
    // The mirror keeps ~1000 rows of scrollback: at 1000 columns they hold a line of a million cells.
    session.resize(1000, 32);
    session.write(`${"\u001b[mabcdefgh".repeat(90_000)}\r\nafter the long line\r\n`);
    await waitFor(() => session.log.read({ mode: "tail", tailLines: 2 }).output.includes("after the long line"), 20_000, "the echo");
    session.resize(1, 2);
    await new Promise<void>((resolve) => session.mirror.whenIdle(resolve));
    session.resize(60, 10);
    session.write("still alive\r");
    await waitFor(() => session.log.read({ mode: "tail", tailLines: 1 }).output.includes("still alive"), 10_000, "the echo after the resize");
    await new Promise<void>((resolve) => session.mirror.whenIdle(resolve));
    expect(session.mirror.snapshot("full", {}).lines.join("\n")).toContain("still alive");
    expect(session.running).toBe(true);
    expect(services.sessions.get(task.id)!.running).toBe(true);
  });
});
