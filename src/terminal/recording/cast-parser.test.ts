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
    for (const bad of ["{", line({ a: 1 }), line([1, "o"]), line(["1", "o", "x"]), line([null, "o", "x"]), line([1, "o", 5]), line([1, "r", "wide"]), line([1, "r", "0x10"]), line([1, "r", "99999x10"])]) {
      expect(parseCastEvent(bad), bad).toBe("invalid");
    }
  });
});

describe("parseCastEvent: times as written", () => {
  it("returns a negative time as it is (the parser's clock settles it)", () => {
    expect(parseCastEvent(line([-1, "o", "x"]))).toEqual({ type: "output", time: -1, data: "x" });
  });
});

describe("CastParser: a wall clock stepped back", () => {
  // What asciicast-writer.ts writes when the clock goes back 5 s at 2.0 s (and then past the start).
  const events: Array<[number, string, string]> = [
    [0.5, "o", "one\r\n"],
    [2.0, "o", "two\r\n"],
    [-3.0, "o", "three\r\n"],
    [-2.5, "r", "90x20"],
    [1.0, "o", "four\r\n"],
    [2.5, "o", "five\r\n"],
  ];
  const cast = `${[HEADER, ...events.map(line)].join("\n")}\n`;

  it("keeps every event, in file order, and never lets time run backwards", () => {
    const { events: parsed, stats } = parseCast(cast);
    expect(parsed.map((e) => (e.type === "output" ? e.data : `${e.cols}x${e.rows}`))).toEqual(["one\r\n", "two\r\n", "three\r\n", "90x20", "four\r\n", "five\r\n"]);
    expect(parsed.map((e) => e.time)).toEqual([0.5, 2.0, 2.0, 2.0, 2.0, 2.5]);
    expect(stats).toMatchObject({ events: 6, timeStepsBack: 3, invalidLines: 0 });
  });

  it("replays every byte however the body is split (the browser's path)", () => {
    const expected = "one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n";
    for (const size of [1, 5, 17, 4096]) {
      const parser = new CastParser();
      let replayed = "";
      let previous = 0;
      const take = (items: CastItem[]) => {
        for (const item of items) {
          if (item.type === "header") continue;
          expect(item.time).toBeGreaterThanOrEqual(previous);
          previous = item.time;
          if (item.type === "output") replayed += item.data;
        }
      };
      for (let i = 0; i < cast.length; i += size) take(parser.push(cast.slice(i, i + size)));
      take(parser.end());
      expect(replayed).toBe(expected);
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
    expect(stats).toEqual({ events: 2, timeStepsBack: 0, invalidLines: 1, truncatedTail: false });
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
