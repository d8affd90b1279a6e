import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareCost, describeScaling, repeated } from "../../../test/helpers/scaling";
import { OutputLog, type OutputReadQuery, type OutputReadResult } from "./output-log";

const ESC = "\x1b";

/** Appends `text` to a fresh log, split at `cuts` (positions, any order, duplicates allowed). */
interface LogOfOptions {
  maxLines?: number;
  maxLineChars?: number;
  maxChars?: number;
  cuts?: number[];
}

function logOf(text: string, { maxLines = 1000, maxLineChars, maxChars, cuts = [] }: LogOfOptions = {}): OutputLog {
  const log = new OutputLog({ maxLines, maxLineChars, maxChars });
  appendSplit(log, text, cuts);
  return log;
}

function appendSplit(log: OutputLog, text: string, cuts: number[]): void {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of [...points, text.length]) {
    log.append(text.slice(from, point));
    from = point;
  }
}

function numbered(count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => `line ${from + i}\r\n`).join("");
}

function lines(result: OutputReadResult): string[] {
  return result.output === "" ? [] : result.output.split("\n");
}

describe("OutputLog: lines and numbering", () => {
  it("numbers completed lines from 0 and drops the \\r of \\r\\n in raw reads", () => {
    const log = logOf("one\r\ntwo\nthree\r\n");
    expect(log.totalLines).toBe(3);
    expect(log.firstLine).toBe(0);
    expect(log.read({ mode: "full" }).output).toBe("one\ntwo\nthree");
  });

  it("keeps \\r inside a line for raw reads and resolves it for clean reads", () => {
    const log = logOf("10%\r50%\r100%\r\n");
    expect(log.read({ mode: "full" }).output).toBe("10%\r50%\r100%");
    expect(log.read({ mode: "full", clean: true }).output).toBe("100%");
  });

  it("starts empty", () => {
    const log = new OutputLog({ maxLines: 10 });
    expect(log.read({ mode: "tail" })).toEqual({
      output: "",
      totalLines: 0,
      firstLine: 0,
      nextReadFrom: 0,
      hasMore: false,
      truncated: false,
      endsWithPartialLine: false,
      stats: { totalBytes: 0, estimatedTokens: 0, linesShown: 0, linesOmitted: 0 },
    });
  });

  it("rejects a ring or a line cap that is not a positive integer", () => {
    expect(() => new OutputLog({ maxLines: 0 })).toThrow(RangeError);
    expect(() => new OutputLog({ maxLines: 1.5 })).toThrow(RangeError);
    expect(() => new OutputLog({ maxLines: 10, maxLineChars: 0 })).toThrow(RangeError);
    expect(() => new OutputLog({ maxLines: 10, maxChars: -1 })).toThrow(RangeError);
  });
});

describe("OutputLog: the unfinished line", () => {
  it("is shown by reads, pointed at by nextReadFrom, and re-read once complete", () => {
    const log = logOf("$ make\r\nbuilding\r\nuser@host:~$ ");
    const tail = log.read({ mode: "tail" });
    expect(tail.output).toBe("$ make\nbuilding\nuser@host:~$ ");
    expect(tail.totalLines).toBe(2);
    expect(tail.nextReadFrom).toBe(2);
    expect(tail.endsWithPartialLine).toBe(true);
    expect(tail.stats.linesShown).toBe(3);

    expect(log.read({ mode: "full", since: 2 }).output).toBe("user@host:~$ ");
    log.append("ls\r\n");
    const after = log.read({ mode: "full", since: 2 });
    expect(after.output).toBe("user@host:~$ ls");
    expect(after.nextReadFrom).toBe(3);
    expect(after.endsWithPartialLine).toBe(false);
    expect(log.read({ mode: "full", since: 3 }).output).toBe("");
  });

  it("is not a line while empty", () => {
    const log = logOf("a\nb\n");
    const result = log.read({ mode: "full" });
    expect(result.output).toBe("a\nb");
    expect(result.endsWithPartialLine).toBe(false);
    expect(result.stats.linesShown).toBe(2);
  });

  it("completes a \\r\\n split between chunks", () => {
    const log = new OutputLog({ maxLines: 10 });
    log.append("abc\r");
    expect(log.read({ mode: "full" }).output).toBe("abc");
    log.append("\ndef");
    expect(log.totalLines).toBe(1);
    expect(log.read({ mode: "full" }).output).toBe("abc\ndef");
  });
});

describe("OutputLog: modes and limits", () => {
  const log = logOf(numbered(10));

  it("full: the range up to maxLines, then hasMore with the first unread line", () => {
    const first = log.read({ mode: "full", maxLines: 4 });
    expect(lines(first)).toEqual(["line 0", "line 1", "line 2", "line 3"]);
    expect(first).toMatchObject({ nextReadFrom: 4, hasMore: true, truncated: true });
    expect(first.stats).toMatchObject({ linesShown: 4, linesOmitted: 6 });
    const rest = log.read({ mode: "full", since: 4 });
    expect(lines(rest)).toHaveLength(6);
    expect(rest).toMatchObject({ nextReadFrom: 10, hasMore: false, truncated: false });
  });

  it("head: the first headLines of the range", () => {
    const head = log.read({ mode: "head", headLines: 3, since: 2 });
    expect(lines(head)).toEqual(["line 2", "line 3", "line 4"]);
    expect(head).toMatchObject({ nextReadFrom: 5, hasMore: true, truncated: true });
    expect(head.stats).toMatchObject({ linesShown: 3, linesOmitted: 5 });
  });

  it("tail: the last tailLines, and the next read starts at the end", () => {
    const tail = log.read({ mode: "tail", tailLines: 3 });
    expect(lines(tail)).toEqual(["line 7", "line 8", "line 9"]);
    expect(tail).toMatchObject({ nextReadFrom: 10, hasMore: false, truncated: true });
    expect(tail.stats).toMatchObject({ linesShown: 3, linesOmitted: 7 });
  });

  it("head-tail: both ends with an omission marker between", () => {
    const both = log.read({ mode: "head-tail", headLines: 2, tailLines: 3 });
    expect(lines(both)).toEqual(["line 0", "line 1", "... [5 lines omitted] ...", "line 7", "line 8", "line 9"]);
    expect(both).toMatchObject({ nextReadFrom: 10, hasMore: false, truncated: true });
    expect(both.stats).toMatchObject({ linesShown: 5, linesOmitted: 5 });
  });

  it("head-tail: the whole range without a marker when the ends meet", () => {
    const all = log.read({ mode: "head-tail", headLines: 5, tailLines: 5 });
    expect(lines(all)).toHaveLength(10);
    expect(all.output).not.toContain("omitted");
    expect(all.truncated).toBe(false);
  });

  it("uses the defaults: 50 head/tail lines, 1000 full lines", () => {
    const big = logOf(numbered(1200), { maxLines: 2000 });
    expect(big.read({ mode: "tail" }).stats.linesShown).toBe(50);
    expect(big.read({ mode: "head" }).stats.linesShown).toBe(50);
    expect(big.read({ mode: "head-tail" }).stats).toMatchObject({ linesShown: 100, linesOmitted: 1100 });
    expect(big.read({ mode: "full" })).toMatchObject({ nextReadFrom: 1000, hasMore: true });
  });

  it("clamps odd counts to integers >= 0", () => {
    expect(log.read({ mode: "tail", tailLines: 2.7 }).stats.linesShown).toBe(2);
    const none = log.read({ mode: "tail", tailLines: -5 });
    expect(none).toMatchObject({ output: "", nextReadFrom: 10, hasMore: false });
    const nothing = log.read({ mode: "full", maxLines: 0, since: 3 });
    expect(nothing).toMatchObject({ output: "", nextReadFrom: 3, hasMore: true });
    expect(log.read({ mode: "full", since: Number.NaN }).stats.linesShown).toBe(10);
  });

  it("estimates tokens on the returned output", () => {
    const result = log.read({ mode: "tail", tailLines: 2 });
    expect(result.output).toBe("line 8\nline 9");
    expect(result.stats.estimatedTokens).toBe(Math.ceil("line 8\nline 9".length / 4));
  });

  it("cleans head and tail separately", () => {
    const redraws = logOf(`a\r\nb\r\nc\r\nd\r\n${ESC}[3A${ESC}[2KE\r\n`);
    const both = redraws.read({ mode: "head-tail", headLines: 1, tailLines: 2, clean: true });
    // The cursor-up in the tail stops at the tail's first line instead of rewriting the head.
    expect(both.output).toBe("a\n... [2 lines omitted] ...\nE");
  });
});

describe("OutputLog: since and ring eviction", () => {
  it("keeps absolute numbers valid after eviction and flags evicted lines as truncated", () => {
    const log = logOf(numbered(25), { maxLines: 10 });
    expect(log.firstLine).toBe(15);
    expect(log.totalLines).toBe(25);

    const stale = log.read({ mode: "full", since: 5 });
    expect(lines(stale)[0]).toBe("line 15");
    expect(stale).toMatchObject({ firstLine: 15, nextReadFrom: 25, truncated: true, hasMore: false });
    expect(stale.stats).toMatchObject({ linesShown: 10, linesOmitted: 0 });

    const exact = log.read({ mode: "full", since: 20 });
    expect(lines(exact)).toEqual(["line 20", "line 21", "line 22", "line 23", "line 24"]);
    expect(exact.truncated).toBe(false);

    log.append(numbered(7, 25));
    const later = log.read({ mode: "full", since: 20 });
    expect(later.firstLine).toBe(22);
    expect(lines(later)[0]).toBe("line 22");
    expect(later.truncated).toBe(true);
    expect(log.read({ mode: "full", since: 30 }).output).toBe("line 30\nline 31");
  });

  it("reports evicted lines as truncated when reading without since", () => {
    const log = logOf(numbered(12), { maxLines: 10 });
    expect(log.read({ mode: "full" }).truncated).toBe(true);
    expect(logOf(numbered(10), { maxLines: 10 }).read({ mode: "full" }).truncated).toBe(false);
  });

  it("answers a cursor beyond the end with nothing and the current end", () => {
    const log = logOf(numbered(5));
    expect(log.read({ mode: "full", since: 5 })).toMatchObject({ output: "", nextReadFrom: 5, hasMore: false, truncated: false });
    expect(log.read({ mode: "tail", since: 99 })).toMatchObject({ output: "", nextReadFrom: 5, hasMore: false });
  });

  it("lets an incremental reader see every completed line exactly once while output keeps arriving", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: fc.constantFrom("x", "y", " ", "\r"), maxLength: 12 }), fc.boolean()), {
          maxLength: 60,
        }),
        fc.array(fc.nat(), { maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
        (written, cuts, pageSizes) => {
          // Lines are unique (numbered) so a duplicate or a gap cannot hide.
          const text = written.map(([body, ended], i) => `#${i}:${body}${ended ? "\r\n" : ""}`).join("");
          const log = new OutputLog({ maxLines: 10_000 });
          const seen: string[] = [];
          let cursor = 0;
          let page = 0;
          const readSome = () => {
            for (;;) {
              const maxLines = pageSizes[page++ % pageSizes.length]!;
              const result = log.read({ mode: "full", since: cursor, maxLines });
              const shown = lines(result);
              const complete = result.endsWithPartialLine ? shown.slice(0, -1) : shown;
              expect(result.nextReadFrom).toBe(cursor + complete.length);
              seen.push(...complete);
              cursor = result.nextReadFrom;
              if (!result.hasMore) return;
            }
          };
          const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const point of [...points, text.length]) {
            log.append(text.slice(from, point));
            from = point;
            readSome();
          }
          const expected = text.split("\n").slice(0, -1).map((line) => line.replace(/\r$/, ""));
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe("OutputLog: chunk boundaries", () => {
  const unit = fc.constantFrom(
    "a", "b", " ", "\n", "\r", "\r\n", ESC, `${ESC}[`, "2K", "1A", "31m", "m", "\x07", "é", "😀", "\uD83D", "\uDE00", "日",
  );
  const queries: OutputReadQuery[] = [
    { mode: "full" },
    { mode: "full", clean: true },
    { mode: "full", since: 3, maxLines: 2 },
    { mode: "tail", tailLines: 3 },
    { mode: "tail", tailLines: 3, clean: true },
    { mode: "head", headLines: 2, since: 1 },
    { mode: "head-tail", headLines: 1, tailLines: 2, clean: true },
  ];

  it("gives identical state and reads however the same output is split", () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        (text, cuts, maxLines, maxLineChars, maxChars) => {
          const whole = logOf(text, { maxLines, maxLineChars, maxChars });
          const split = logOf(text, { maxLines, maxLineChars, maxChars, cuts });
          expect(split.totalLines).toBe(whole.totalLines);
          expect(split.firstLine).toBe(whole.firstLine);
          expect(split.totalBytes).toBe(whole.totalBytes);
          for (const query of queries) expect(split.read(query)).toEqual(whole.read(query));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("matches a simple model of lines, ring and cap", () => {
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        (text, cuts, maxLines, maxLineChars, maxChars) => {
          const log = logOf(text, { maxLines, maxLineChars, maxChars, cuts });
          const all = text.split("\n");
          const partial = all.pop()!;
          const capped = all.map((line) => capModel(line, maxLineChars));
          // Keep the newest lines within maxLines and maxChars, always at least the newest one.
          let firstLine = all.length;
          let chars = 0;
          while (firstLine > 0 && all.length - firstLine < maxLines) {
            const length = capped[firstLine - 1]!.text.length;
            if (firstLine < all.length && chars + length > maxChars) break;
            chars += length;
            firstLine--;
          }
          const render = ({ text: tail, dropped }: { text: string; dropped: number }, number: number) => {
            const body = tail.endsWith("\r") ? tail.slice(0, -1) : tail;
            return dropped > 0 ? [`... [${dropped} chars dropped from the start of line ${number}] ...`, body] : [body];
          };
          const shown = [...capped.slice(firstLine), ...(partial === "" ? [] : [capModel(partial, maxLineChars)])];
          const expected = shown.flatMap((line, i) => render(line, firstLine + i));
          const result = log.read({ mode: "full", maxLines: 1_000 });
          expect(result.output).toBe(expected.join("\n"));
          expect(result.firstLine).toBe(firstLine);
          expect(result.totalLines).toBe(all.length);
          expect(result.stats.totalBytes).toBe(new TextEncoder().encode(text).length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The documented cap: keep the last `max` chars, not starting inside a surrogate pair. */
function capModel(line: string, max: number): { text: string; dropped: number } {
  if (line.length <= max) return { text: line, dropped: 0 };
  let cut = line.length - max;
  const before = line.charCodeAt(cut - 1);
  const at = line.charCodeAt(cut);
  if (before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff) cut++;
  return { text: line.slice(cut), dropped: cut };
}

describe("OutputLog: the line cap", () => {
  it("keeps the end of an over-long line and marks what was dropped", () => {
    const log = logOf(`short\r\n${"0123456789".repeat(3)}\r\nnext\r\n`, { maxLineChars: 8 });
    const result = log.read({ mode: "full" });
    // The cap counts the line as stored, with the `\r` of its `\r\n`: 31 chars, 23 dropped.
    expect(lines(result)).toEqual(["short", "... [23 chars dropped from the start of line 1] ...", "3456789", "next"]);
    expect(result.truncated).toBe(true);
    expect(result.stats.linesShown).toBe(3);
    expect(log.read({ mode: "full", since: 2 }).truncated).toBe(false);
  });

  it("bounds a newline-less flood and keeps its final state", () => {
    const log = new OutputLog({ maxLines: 100, maxLineChars: 4096 });
    const frame = (i: number) => `\r[${"#".repeat(i % 50).padEnd(50)}] ${String(i).padStart(6)}`;
    let written = 0;
    for (let i = 0; i <= 200_000; i++) {
      const chunk = frame(i);
      log.append(chunk);
      written += chunk.length;
    }
    const raw = log.read({ mode: "tail" });
    expect(raw.output.length).toBeLessThan(4096 + 100);
    expect(raw.output).toContain(`chars dropped from the start of line 0`);
    expect(raw.totalLines).toBe(0);
    expect(raw.stats.totalBytes).toBe(written);
    const clean = log.read({ mode: "tail", clean: true });
    expect(clean.output.split("\n").at(-1)).toBe(frame(200_000).slice(1));
  });

  it("caps a line that arrives whole in one huge chunk", () => {
    const log = new OutputLog({ maxLines: 10, maxLineChars: 100 });
    log.append(`${"x".repeat(1_000_000)}END\nok\n`);
    const result = log.read({ mode: "full" });
    expect(lines(result)).toEqual([
      "... [999903 chars dropped from the start of line 0] ...",
      `${"x".repeat(97)}END`,
      "ok",
    ]);
  });

  it("never splits a surrogate pair", () => {
    const log = new OutputLog({ maxLines: 10, maxLineChars: 2 });
    log.append("ab😀c\n"); // a b \uD83D \uDE00 c: the last 2 would start with a lone low half
    expect(log.read({ mode: "full" }).output).toBe("... [4 chars dropped from the start of line 0] ...\nc");
  });

  it("evicts the oldest lines to stay within maxChars", () => {
    const log = logOf(numbered(10), { maxLines: 100, maxChars: 30 }); // "line N\r" is 7 chars
    expect(log.firstLine).toBe(6);
    expect(log.read({ mode: "full", since: 0 })).toMatchObject({ output: "line 6\nline 7\nline 8\nline 9", truncated: true });
    log.append(`${"z".repeat(50)}\n`); // bigger than the budget alone: kept, as the only line
    expect(log.firstLine).toBe(10);
    expect(log.read({ mode: "full" }).stats.linesShown).toBe(1);
  });

  it("forgets the marks of evicted lines", () => {
    const log = logOf(`${"y".repeat(20)}\n${numbered(3)}`, { maxLines: 3, maxLineChars: 10 });
    expect(log.read({ mode: "full" }).output).toBe("line 0\nline 1\nline 2");
  });
});

describe("OutputLog: totalBytes", () => {
  it("counts UTF-8 bytes, including multi-byte characters and pairs split between chunks", () => {
    const log = new OutputLog({ maxLines: 10 });
    log.append("aé€"); // 1 + 2 + 3
    expect(log.totalBytes).toBe(6);
    log.append("😀\n"); // 4 + 1
    expect(log.totalBytes).toBe(11);
    log.append("\uD83D");
    log.append("\uDE00");
    expect(log.totalBytes).toBe(15);
    expect(log.read({ mode: "tail" }).stats.totalBytes).toBe(15);
  });
});

describe("OutputLog: cost", () => {
  function fullRing(maxLines: number): OutputLog {
    const log = new OutputLog({ maxLines });
    const line = `${"output ".repeat(14)}\r\n`;
    for (let i = 0; i < maxLines * 3; i++) log.append(line);
    return log;
  }

  it("reads a 50-line tail at a cost independent of the ring's size (1k vs 10k lines)", () => {
    const small = fullRing(1_000);
    const large = fullRing(10_000);
    expect(large.read({ mode: "tail", tailLines: 50 }).output).toBe(small.read({ mode: "tail", tailLines: 50 }).output);
    const reads = (log: OutputLog) => () => {
      for (let i = 0; i < 2_000; i++) log.read({ mode: "tail", tailLines: 50 });
    };
    const cost = compareCost(reads(small), reads(large));
    console.info(describeScaling("OutputLog tail read, 1k-line ring → 10k-line ring", cost));
    // A read that walked the ring would cost 10×; the same work costs 1×, and noise stays well under 3×.
    expect(cost.ratio).toBeLessThan(3);
  });

  it("appends in linear time (8 × 2 MB vs 16 MB of 100-char lines), with bounded memory", () => {
    const chunk = `${"x".repeat(98)}\r\n`.repeat(40); // 4000 chars, like a PTY read
    let last: OutputLog | undefined;
    const append = (chunks: number) => () => {
      last = new OutputLog({ maxLines: 10_000 });
      for (let i = 0; i < chunks; i++) last.append(chunk);
    };
    // The same bytes in total: ~1× if appending is linear, ~8× if it grows with what was appended.
    const cost = compareCost(repeated(8, append(500)), append(4_000), 3);
    console.info(describeScaling("OutputLog append, 8 × 2 MB → 16 MB", cost));
    expect(cost.ratio).toBeLessThan(3);
    // The last run was the large one: 16 MB through a 10k-line ring keeps only the newest 10k lines.
    expect(last!.totalBytes).toBe(16_000_000);
    expect(last!.totalLines).toBe(160_000);
    expect(last!.firstLine).toBe(150_000);
  });
});
