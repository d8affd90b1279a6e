import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastRecordedEventAt } from "./recording-tail";

describe("lastRecordedEventAt: when a recording last heard from its run", () => {
  // Made when the tests run, not when they are collected (a `vitest list` runs no afterAll).
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-tail-"));
  });
  const started = new Date("2026-12-04T10:00:00.000Z");
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is the start plus the last complete event's offset, a line cut by a crash skipped", () => {
    const header = JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 });
    const file = write("a.cast", `${header}\n[0.5,"o","a"]\n[12.3456,"o","b"]\n[13.0,"r","100x30"]\n[14.2,"o","half-writ`);
    expect(lastRecordedEventAt(file, started)).toEqual(new Date(started.getTime() + 13_000));
  });

  it("finds the last event beyond the tail window's cut first line, in a large file", () => {
    const big = `[1.0,"o","${"x".repeat(600 * 1024)}"]\n`;
    const file = write("b.cast", `{"version":2}\n${big}[99.001,"o","end"]\n`);
    expect(lastRecordedEventAt(file, started)).toEqual(new Date(started.getTime() + 99_001));
  });

  it("is undefined without events or without a file", () => {
    expect(lastRecordedEventAt(write("c.cast", '{"version":2,"width":80,"height":24}\n'), started)).toBeUndefined();
    expect(lastRecordedEventAt(path.join(dir, "missing.cast"), started)).toBeUndefined();
  });
});
