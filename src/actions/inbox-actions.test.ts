import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

import { clearServices, publishServices } from "@/server/registry";
import type { Services } from "@/server/services";
import { MAX_REPLY_CHARS } from "@/lib/inbox";
import { sendInboxReply } from "./inbox-actions";

class FakeSession {
  writes: string[] = [];
  constructor(public running: boolean) {}
  write(data: string) {
    this.writes.push(data);
  }
}

function publish(session: FakeSession | undefined) {
  const task = { id: "task-1" };
  publishServices({
    logger: { error: () => undefined },
    tasks: {
      get: (id: string) => {
        if (id !== task.id) throw Object.assign(new Error(`Task ${id} not found`), { name: "AppError", code: "not_found:task" });
        return task;
      },
    },
    sessions: { get: () => session },
  } as unknown as Services);
}

afterEach(() => clearServices());

describe("sendInboxReply", () => {
  it("sends the reply as a bracketed paste, then Enter as its own write", async () => {
    const session = new FakeSession(true);
    publish(session);
    expect(await sendInboxReply({ taskId: "task-1", text: "  yes\n" })).toEqual({ ok: true });
    expect(session.writes).toEqual(["\u001b[200~yes\u001b[201~", "\r"]);
  });

  it("keeps paste markers in the text from ending the paste early", async () => {
    const session = new FakeSession(true);
    publish(session);
    expect(await sendInboxReply({ taskId: "task-1", text: "a\u001b[201~rm -rf x\r" })).toEqual({ ok: true });
    expect(session.writes).toEqual(["\u001b[200~arm -rf x\u001b[201~", "\r"]);
  });

  it("refuses bad input with a message naming the field, and writes nothing", async () => {
    const session = new FakeSession(true);
    publish(session);
    const empty = await sendInboxReply({ taskId: "task-1", text: "   " });
    expect(empty).toMatchObject({ ok: false, code: "bad_request:reply", fields: { text: "Write a reply first" } });
    const long = await sendInboxReply({ taskId: "task-1", text: "x".repeat(MAX_REPLY_CHARS + 1) });
    expect(long).toMatchObject({ ok: false, fields: { text: expect.stringContaining(String(MAX_REPLY_CHARS)) } });
    const badId = await sendInboxReply({ taskId: "../etc", text: "yes" });
    expect(badId).toMatchObject({ ok: false, fields: { taskId: expect.any(String) } });
    const notAnObject = await sendInboxReply("yes" as never);
    expect(notAnObject).toMatchObject({ ok: false, code: "bad_request:reply" });
    expect(session.writes).toEqual([]);
  });

  it("says so when the task's terminal is not running", async () => {
    const ended = new FakeSession(false);
    publish(ended);
    expect(await sendInboxReply({ taskId: "task-1", text: "yes" })).toMatchObject({ ok: false, code: "conflict:session", message: expect.stringContaining("not running") });
    publish(undefined);
    expect(await sendInboxReply({ taskId: "task-1", text: "yes" })).toMatchObject({ ok: false, code: "conflict:session" });
    expect(ended.writes).toEqual([]);
  });
});
