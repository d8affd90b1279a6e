import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { PtySession } from "./pty-session";
import { autogroupName, autogroupNice, canLowerSessionGroups } from "./session-priority";

const sessions: PtySession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    await session.stop({ graceMs: 200 });
    session.dispose();
  }
});

/** A shell that waits for a line, then reports the nice its commands run with. */
function spawnReporter(niceness: number | undefined): PtySession {
  const result = PtySession.spawn({
    taskId: "t",
    executionId: "e",
    command: "/bin/sh",
    args: ["-c", 'echo ready; read _; echo "nice=$(nice)"; cat /proc/self/autogroup 2>/dev/null || echo "no autogroup"; echo done'],
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", TERM: "xterm-256color" },
    scrollbackLines: 1000,
    ...(niceness !== undefined ? { niceness } : {}),
  });
  if (!result.ok) throw new Error(result.message);
  sessions.push(result.session);
  return result.session;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const output = (session: PtySession) => session.log.read({ mode: "full" }).output;
/** Where the kernel has autogroup and lets this process lower a group (checked on the group, else on the process only). */
const hasAutogroup = await canLowerSessionGroups();

describe.runIf(process.platform === "linux")("a task terminal's CPU priority", () => {
  it("background: the program, what it starts and its scheduling group run at the given nice; the host's own is untouched", async () => {
    const hostGroupNice = autogroupNice("self");
    const hostNice = os.getPriority();
    const session = spawnReporter(15);
    await until(() => output(session).includes("ready"), "the shell");
    await until(() => os.getPriority(session.pid) === 15 && (!hasAutogroup || autogroupNice(String(session.pid)) === 15), "the priority to be applied");
    session.write("\r");
    await until(() => output(session).includes("done"), "the report");
    // A command the program runs later inherits the nice (what an agent's build would see)…
    expect(output(session)).toContain("nice=15");
    // …and shares the session's group, whose nice is what the kernel weighs against this app.
    if (hasAutogroup) expect(output(session)).toMatch(/autogroup-\d+ nice 15/);
    expect(autogroupNice("self")).toBe(hostGroupNice);
    expect(os.getPriority()).toBe(hostNice);
  });

  it.runIf(hasAutogroup)("ten programs started together all get their group lowered (the kernel takes one change per 100 ms from a user without CAP_SYS_ADMIN)", async () => {
    const started = Array.from({ length: 10 }, () => spawnReporter(15));
    await until(() => started.every((session) => autogroupNice(String(session.pid)) === 15), "every group at nice 15");
    expect(new Set(started.map((session) => autogroupName(String(session.pid)))).size).toBe(10);
  });

  it("normal (no niceness): the program runs as the host does", async () => {
    const session = spawnReporter(undefined);
    await until(() => output(session).includes("ready"), "the shell");
    session.write("\r");
    await until(() => output(session).includes("done"), "the report");
    expect(output(session)).toContain(`nice=${os.getPriority()}`);
    // A new session's group starts at nice 0, whatever the host's group has.
    if (hasAutogroup) expect(output(session)).toMatch(/autogroup-\d+ nice 0/);
  });
});
