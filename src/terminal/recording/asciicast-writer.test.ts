import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AsciicastWriter, FLUSH_BYTES, FLUSH_INTERVAL_MS } from "./asciicast-writer";

/**
 * "A crash loses at most FLUSH_INTERVAL_MS of output": on vitest's fake clock, so the bound is
 * checked to the millisecond instead of as a lag measured across a kill -9 on a busy machine
 * (test/system/crash-recovery.test.ts checks that what was flushed survives the kill).
 */
describe("AsciicastWriter: how far the file may lag behind the output", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    vi.useFakeTimers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-cast-"));
    file = path.join(dir, "run.cast");
  });

  afterEach(() => {
    vi.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The output on disk now (what a kill -9 would leave), joined. */
  function onDisk(): string {
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((line) => JSON.parse(line) as [number, string, string])
      .filter(([, kind]) => kind === "o")
      .map(([, , data]) => data)
      .join("");
  }

  it("writes the header at once, and a quiet trickle of output FLUSH_INTERVAL_MS after it came, not later", () => {
    const writer = new AsciicastWriter(file, { width: 80, height: 24 }, 10_000_000);
    expect(JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0]!)).toMatchObject({ version: 2, width: 80, height: 24 });
    writer.output("hello\r\n");
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1);
    expect(onDisk()).toBe("");
    vi.advanceTimersByTime(1);
    expect(onDisk()).toBe("hello\r\n");
    writer.close();
  });

  it("under steady output, every line is on disk at most FLUSH_INTERVAL_MS after it was printed", () => {
    const writer = new AsciicastWriter(file, { width: 80, height: 24 }, 10_000_000);
    const printedAt: number[] = [];
    for (let n = 1; n <= 200; n++) {
      writer.output(`line ${n}\r\n`);
      printedAt.push(Date.now());
      vi.advanceTimersByTime(37);
      const due = printedAt.filter((at) => Date.now() - at >= FLUSH_INTERVAL_MS).length;
      const written = (onDisk().match(/line \d+/g) ?? []).length;
      expect(written, `at line ${n}`).toBeGreaterThanOrEqual(due);
    }
    writer.close();
    expect(onDisk()).toBe(Array.from({ length: 200 }, (_, i) => `line ${i + 1}\r\n`).join(""));
  });

  it("writes a flood as soon as FLUSH_BYTES are buffered, without waiting for the timer", () => {
    const writer = new AsciicastWriter(file, { width: 80, height: 24 }, 10_000_000);
    const chunk = "x".repeat(4096);
    let sent = 0;
    while (sent < FLUSH_BYTES) {
      writer.output(chunk);
      sent += chunk.length;
    }
    expect(onDisk().length).toBe(sent);
    writer.close();
  });

  it("close writes everything at once", () => {
    const writer = new AsciicastWriter(file, { width: 80, height: 24 }, 10_000_000);
    writer.output("last words");
    writer.close();
    expect(onDisk()).toBe("last words");
  });
});
