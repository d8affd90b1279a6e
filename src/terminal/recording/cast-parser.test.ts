import { describe, expect, it } from "vitest";
import { CastFormatError, CastParser, parseCast, parseCastEvent, parseCastHeader, type CastItem } from "./cast-parser";

const HEADER = JSON.stringify({ version: 2, width: 100, height: 30, timestamp: 1_700_000_000, env: { TERM: "xterm-256color" } });
const line = (value: unknown) => JSON.stringify(value);

describe("parseCastHeader", () => {
  it("reads version 2 headers", () => {
    expect(parseCastHeader(HEADER)).toEqual({ version: 2, width: 100, height: 30, timestamp: 1_700_000_000 });
    expect(parseCastHeader(line({ version: 2, width: 80, height: 24, title: "npm test" })).title).toBe("npm test");
  });

  it("refuses what is not an asciicast v2 header", () => {
    for (const bad of ["", "not json", "[1,2]", line({ version: 1, width: 80, height: 24 }), line({ version: 2, width: 0, height: 24 }), line({ version: 2, width: 80 })]) {
      expect(() => parseCastHeader(bad), bad).toThrow(CastFormatError);
    }
  });
});

describe("parseCastEvent", () => {
  it("reads output and resize events", () => {
    expect(parseCastEvent(line([0.25, "o", "hi\r\n"]))).toEqual({ type: "output", time: 0.25, data: "hi\r\n" });
    expect(parseCastEvent(line([1.5, "r", "120x40"]))).toEqual({ type: "resize", time: 1.5, cols: 120, rows: 40 });
  });

  it("skips other event types and flags malformed lines", () => {
    expect(parseCastEvent(line([1, "i", "ls\r"]))).toBe("skip");
    expect(parseCastEvent(line([1, "m", "marker"]))).toBe("skip");
    for (const bad of ["{", line({ a: 1 }), line([1, "o"]), line(["1", "o", "x"]), line([-1, "o", "x"]), line([1, "o", 5]), line([1, "r", "wide"]), line([1, "r", "0x10"]), line([1, "r", "99999x10"])]) {
      expect(parseCastEvent(bad), bad).toBe("invalid");
    }
  });
});

describe("CastParser (incremental)", () => {
  const cast = [HEADER, line([0.1, "o", "$ echo hi\r\n"]), line([0.2, "r", "90x20"]), line([0.3, "o", "hi\r\n"]), ""].join("\n");

  it("gives the same items however the text is split, even inside a line or a character", () => {
    const whole = parseCast(cast);
    expect(whole.header.width).toBe(100);
    expect(whole.events.map((e) => e.type)).toEqual(["output", "resize", "output"]);
    for (const size of [1, 2, 3, 7, 64]) {
      const parser = new CastParser();
      const items: CastItem[] = [];
      for (let i = 0; i < cast.length; i += size) items.push(...parser.push(cast.slice(i, i + size)));
      items.push(...parser.end());
      expect(items).toEqual([{ type: "header", header: whole.header }, ...whole.events]);
    }
  });

  it("keeps unicode and escape sequences intact", () => {
    const data = "\u001b[1;32m✓ 128 passed\u001b[0m — ok 🎉\r\n";
    const { events } = parseCast(`${HEADER}\n${line([0, "o", data])}\n`);
    expect(events).toEqual([{ type: "output", time: 0, data }]);
  });

  it("skips bad lines in the middle and counts them, accepts CRLF and blank lines", () => {
    const text = `${HEADER}\r\n${line([0, "o", "a"])}\r\n\r\ngarbage\r\n${line([1, "o", "b"])}\r\n`;
    const { events, stats } = parseCast(text);
    expect(events.map((e) => (e.type === "output" ? e.data : ""))).toEqual(["a", "b"]);
    expect(stats).toEqual({ events: 2, invalidLines: 1, truncatedTail: false });
  });

  it("treats a half-written last line as a cut tail, not as corruption", () => {
    const text = `${HEADER}\n${line([0, "o", "complete"])}\n[0.5, "o", "half wri`;
    const { events, stats } = parseCast(text);
    expect(events).toHaveLength(1);
    expect(stats.truncatedTail).toBe(true);
    expect(stats.invalidLines).toBe(0);
  });

  it("reads a last line that only lacks its newline", () => {
    const { events } = parseCast(`${HEADER}\n${line([0, "o", "last"])}`);
    expect(events).toEqual([{ type: "output", time: 0, data: "last" }]);
  });

  it("refuses an empty input or a bad header", () => {
    expect(() => parseCast("")).toThrow(CastFormatError);
    expect(() => parseCast("\n\n")).toThrow(/empty/);
    expect(() => parseCast(`${line([0, "o", "x"])}\n`)).toThrow(CastFormatError);
  });

  it("handles a large recording in many chunks", () => {
    const lines = [HEADER];
    for (let i = 0; i < 20_000; i++) lines.push(line([i / 100, "o", `line ${i}\r\n`]));
    const text = `${lines.join("\n")}\n`;
    const parser = new CastParser();
    let outputs = 0;
    for (let i = 0; i < text.length; i += 4096) for (const item of parser.push(text.slice(i, i + 4096))) if (item.type === "output") outputs++;
    parser.end();
    expect(outputs).toBe(20_000);
    expect(parser.stats.events).toBe(20_000);
  });
});
