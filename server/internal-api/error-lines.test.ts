import { describe, expect, it } from "vitest";
import { OutputLog, type OutputReadQuery } from "../../src/terminal/host/output-log";
import { findErrorLines, MAX_ERROR_LINE_CHARS, MAX_ERROR_LINES, omittedRange } from "./error-lines";

/** A real OutputLog holding `lines`, read the way the terminal host reads it. */
function logOf(lines: string[], maxLines = 100_000) {
  const log = new OutputLog({ maxLines });
  log.append(lines.map((line) => `${line}\r\n`).join(""));
  return { log, read: (query: OutputReadQuery) => Promise.resolve(log.read(query)) };
}

describe("omittedRange", () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line-${i}`);

  it("head-tail: the middle; tail: what precedes; head and a capped full: what follows", () => {
    const { log } = logOf(lines);
    const view = (query: OutputReadQuery) => {
      const read = log.read(query);
      const shown = read.stats.linesShown;
      const start = Math.max(query.since ?? 0, read.firstLine);
      const end = read.totalLines;
      const fromLine = query.mode === "tail" ? end - shown : start;
      const toLine = query.mode === "tail" || query.mode === "head-tail" ? end : start + shown;
      return { ...read, fromLine, toLine };
    };
    expect(omittedRange(view({ mode: "head-tail", headLines: 5, tailLines: 10, since: 20 }), { mode: "head-tail", headLines: 5 }, 20)).toEqual({ from: 25, to: 90 });
    expect(omittedRange(view({ mode: "tail", tailLines: 10, since: 20 }), { mode: "tail" }, 20)).toEqual({ from: 20, to: 90 });
    expect(omittedRange(view({ mode: "head", headLines: 10, since: 20 }), { mode: "head" }, 20)).toEqual({ from: 30, to: 101 });
    expect(omittedRange(view({ mode: "full", maxLines: 30, since: 20 }), { mode: "full" }, 20)).toEqual({ from: 50, to: 101 });
    expect(omittedRange(view({ mode: "head-tail", headLines: 50, tailLines: 50, since: 20 }), { mode: "head-tail", headLines: 50 }, 20)).toBeUndefined();
  });
});

describe("findErrorLines", () => {
  it("finds error-looking lines by their absolute numbers, cleaned, the first ones kept", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `ok ${i}`);
    lines[10] = "\u001b[31mTypeError: x is not a function\u001b[0m";
    lines[20] = "npm ERR! code E404";
    lines[30] = "Downloading 10% failed\rDownloading 100% done"; // rewritten: its final state is no error
    lines[40] = `FAILED test_thing - ${"x".repeat(500)}`;
    lines[250] = "Traceback (most recent call last):";
    const { read } = logOf(lines);
    const found = await findErrorLines(read, 5, 200);
    expect(found.total).toBe(3);
    expect(found.lines.map((e) => e.line)).toEqual([10, 20, 40]);
    expect(found.lines[0]!.text).toBe("TypeError: x is not a function");
    expect(found.lines[2]!.text).toHaveLength(MAX_ERROR_LINE_CHARS + 1);
  });

  it("counts past the cap and skips lines the ring dropped", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => (i % 100 === 0 ? `error ${i}` : `fine ${i}`));
    const { read } = logOf(lines, 1_000);
    const found = await findErrorLines(read, 0, 3_001);
    expect(found.total).toBe(10);
    expect(found.lines).toHaveLength(MAX_ERROR_LINES);
    expect(found.lines[0]).toEqual({ line: 2_000, text: "error 2000" });
  });
});
