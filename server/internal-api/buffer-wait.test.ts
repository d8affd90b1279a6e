import { describe, expect, it } from "vitest";
import { OutputLog, type OutputReadQuery } from "../../src/terminal/host/output-log";
import { currentPosition, PromptDetector, visibleText } from "./buffer-wait";

function log() {
  const out = new OutputLog({ maxLines: 1_000 });
  return { out, read: (query: OutputReadQuery) => Promise.resolve(out.read(query)) };
}

describe("visibleText", () => {
  it("cleans escape codes but keeps the blank after a prompt", () => {
    expect(visibleText("\u001b[?2004h$ ")).toBe("$ ");
    expect(visibleText("\u001b[01;32muser@host\u001b[00m:~/src$ ")).toBe("user@host:~/src$ ");
    expect(visibleText("")).toBe("");
  });
});

describe("PromptDetector", () => {
  it("sees the prompt come back only after a new line, the same text or the same marker", async () => {
    const { out, read } = log();
    out.append("old output\r\n\u001b[?2004h~/a$ ");
    const origin = await currentPosition(read);
    expect(origin).toEqual({ from: 1, prefix: "\u001b[?2004h~/a$ " });
    const detector = new PromptDetector(read, origin);
    // The typed command on the prompt's line is not the prompt coming back.
    out.append("cd ../b");
    expect(await detector.check()).toBe(false);
    out.append("\r\n\u001b[?2004l\r");
    expect(await detector.check()).toBe(false);
    out.append("\u001b[?2004h~/b$ ");
    expect(await detector.check()).toBe(true);
  });

  it("a different ending is not the prompt (a continuation prompt, a progress line)", async () => {
    const { out, read } = log();
    out.append(">>> ");
    const detector = new PromptDetector(read, await currentPosition(read));
    out.append("def f():\r\n... ");
    expect(await detector.check()).toBe(false);
    out.append("\r\n50%");
    expect(await detector.check()).toBe(false);
    out.append("\r\n>>> ");
    expect(await detector.check()).toBe(true);
  });

  it("finds nothing to wait for when the last line was empty", async () => {
    const { out, read } = log();
    out.append("running...\r\n");
    const detector = new PromptDetector(read, await currentPosition(read));
    expect(detector.promptText).toBe("");
    out.append("done\r\n$ ");
    expect(await detector.check()).toBe(false);
  });
});
