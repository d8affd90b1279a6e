import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CastFormatError, type CastItem } from "./cast-parser";
import { readCast, replayLog, replayScreen } from "./recording-reader";
import { lastRecordedEventAt } from "./recording-tail";

const HEADER = JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1_700_000_000, env: { TERM: "xterm-256color" } });
const line = (value: unknown) => JSON.stringify(value);

describe("server-side readers use the one parser", () => {
  // Made when the tests run, not when they are collected (a `vitest list` runs no afterAll).
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-reader-"));
  });
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function items(file: string): Promise<CastItem[]> {
    const out: CastItem[] = [];
    for await (const item of readCast(file)) out.push(item);
    return out;
  }

  // The wall clock went back 5 s at 2.0 s: the writer wrote earlier, then negative, times.
  const backwards = [
    HEADER,
    line([0.5, "o", "one\r\n"]),
    line([2.0, "o", "two\r\n"]),
    line([-3.0, "o", "three\r\n"]),
    line([-2.5, "r", "90x20"]),
    line([1.0, "o", "four\r\n"]),
    line([2.5, "o", "five\r\n"]),
  ].join("\n");

  it("returns every byte of a recording whose clock stepped back, times never going back", async () => {
    const file = write("back.cast", `${backwards}\n`);
    const read = await items(file);
    expect(read.map((item) => item.type)).toEqual(["header", "output", "output", "output", "resize", "output", "output"]);
    expect(read.slice(1).map((item) => (item.type === "header" ? -1 : item.time))).toEqual([0.5, 2.0, 2.0, 2.0, 2.0, 2.5]);

    const replayed = await replayLog(file, 100);
    expect(replayed.log.read({ mode: "full" }).output).toBe("one\ntwo\nthree\nfour\nfive");
    expect(replayed.cols).toBe(90);
    expect(replayed.durationSeconds).toBe(2.5);

    const started = new Date("2026-12-04T10:00:00.000Z");
    expect(lastRecordedEventAt(file, started)).toEqual(new Date(started.getTime() + 2_500));
    // The last event itself stepped back: it is placed at the previous event's time, as a player shows it.
    const endsBack = write("ends-back.cast", `${backwards}\n${line([0.25, "o", "six\r\n"])}\n`);
    expect(lastRecordedEventAt(endsBack, started)).toEqual(new Date(started.getTime() + 2_500));
  });

  it("replays the screen of such a recording", async () => {
    const mirror = await replayScreen(write("back-screen.cast", `${backwards}\n`), 100);
    try {
      expect(mirror.snapshot("full", {}).lines.filter((l) => l.length > 0)).toEqual(["one", "two", "three", "four", "five"]);
    } finally {
      mirror.dispose();
    }
  });

  it("reads multi-byte characters split across read chunks, and skips a line cut by a crash", async () => {
    const wide = "é🎉".repeat(40_000);
    const file = write("wide.cast", `${HEADER}\n${line([0, "o", wide])}\n${line([0.1, "o", "end"])}\n[0.2,"o","half wri`);
    const read = await items(file);
    expect(read.slice(1).map((item) => (item.type === "output" ? item.data : ""))).toEqual([wide, "end"]);
  });

  it("refuses a file without an asciicast v2 header", async () => {
    await expect(items(write("empty.cast", ""))).rejects.toThrow(CastFormatError);
    await expect(items(write("v1.cast", `${line({ version: 1, width: 80, height: 24 })}\n`))).rejects.toThrow(CastFormatError);
    await expect(replayScreen(write("empty2.cast", ""), 100)).rejects.toThrow(CastFormatError);
  });
});
