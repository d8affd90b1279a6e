import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerMessage } from "../contract/protocol";
import { completeUtf8Length, PtySession } from "./pty-session";
import type { Viewer, ViewerTransport } from "./viewer-hub";

const sessions: PtySession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    await session.stop({ graceMs: 200 });
    session.dispose();
  }
});

function spawn(script: string): PtySession {
  const result = PtySession.spawn({
    taskId: "t",
    executionId: "e",
    command: "/bin/sh",
    args: ["-c", script],
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", TERM: "xterm-256color" },
    scrollbackLines: 1000,
  });
  if (!result.ok) throw new Error(result.message);
  sessions.push(result.session);
  return result.session;
}

function exited(session: PtySession): Promise<void> {
  return new Promise((resolve) => {
    if (!session.running) resolve();
    else session.onExit(() => resolve());
  });
}

describe("completeUtf8Length", () => {
  it("stops before a character whose bytes are not all there", () => {
    const kanji = Buffer.from("漢"); // e6 bc a2
    const emoji = Buffer.from("😀"); // f0 9f 98 80
    expect(completeUtf8Length(Buffer.from("abc"))).toBe(3);
    expect(completeUtf8Length(Buffer.concat([Buffer.from("a"), kanji]))).toBe(4);
    expect(completeUtf8Length(Buffer.concat([Buffer.from("a"), kanji.subarray(0, 1)]))).toBe(1);
    expect(completeUtf8Length(Buffer.concat([Buffer.from("a"), kanji.subarray(0, 2)]))).toBe(1);
    expect(completeUtf8Length(Buffer.concat([Buffer.from("ab"), emoji.subarray(0, 3)]))).toBe(2);
    expect(completeUtf8Length(emoji)).toBe(4);
    expect(completeUtf8Length(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(4); // invalid: decoded as is
    expect(completeUtf8Length(Buffer.alloc(0))).toBe(0);
  });
});

describe("PtySession output bytes", () => {
  it("gives viewers the bytes as printed and the log and mirror whole characters, even when a read splits one", async () => {
    // The two halves of each character come in separate reads (and separate batches).
    const session = spawn(`printf 'A\\346'; sleep 0.2; printf '\\274\\242B\\360\\237'; sleep 0.2; printf '\\230\\200\\n'; sleep 0.3`);
    const received: Buffer[] = [];
    let viewer!: Viewer;
    const transport: ViewerTransport = {
      sendBinary: (data) => {
        received.push(Buffer.from(data));
        queueMicrotask(() => session.handleViewerMessage(viewer, { type: "ack", bytes: data.length }));
      },
      sendMessage: (_message: ServerMessage) => undefined,
      bufferedAmount: 0,
      close: () => undefined,
    };
    viewer = session.attachViewer(transport);
    await exited(session);
    expect(Buffer.concat(received).toString("utf8")).toBe("A漢B😀\r\n");
    expect(session.outputBytes).toBe(Buffer.byteLength("A漢B😀\r\n"));
    const read = session.log.read({ mode: "full" });
    expect(read.output).toBe("A漢B😀");
    expect(read.stats.totalBytes).toBe(Buffer.byteLength("A漢B😀\r\n"));
    await new Promise<void>((resolve) => session.mirror.whenIdle(resolve));
    expect(session.mirror.snapshot("full").lines[0]).toBe("A漢B😀");
  });

  it("decodes an unfinished character at the very end as a replacement character", async () => {
    const session = spawn(`printf 'end\\346'`);
    await exited(session);
    // The tail may still be drained after the exit event: wait for the replacement character
    // (bounded by the test's timeout), instead of a fixed pause a busy machine can outlast.
    const output = () => session.log.read({ mode: "full" }).output;
    while (!output().endsWith("\uFFFD")) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(output()).toBe("end\uFFFD");
  });
});
