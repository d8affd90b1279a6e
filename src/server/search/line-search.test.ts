import { describe, expect, it } from "vitest";
import { cleanTerminalText } from "../../lib/terminal-text/ansi-clean";
import { OutputLog } from "../../terminal/host/output-log";
import { cleanLine, LineSearch, SHOWN_LINE_CHARS } from "./line-search";
import { logLines } from "./output-search-service";
import type { SearchSpec } from "./search-types";

const spec = (over: Partial<SearchSpec> = {}): SearchSpec => ({ query: "x", regex: false, caseSensitive: false, context: 0, since: 0, maxMatches: 50, ...over });

describe("LineSearch", () => {
  it("numbers lines as the output log does, whatever the chunking, and matches clean text", () => {
    const output = "a\r\nfirst \x1b[31mHIT\x1b[0m\r\nloading 10%\rloading 100%\r\n\nHIT at the end";
    for (const size of [1, 2, 3, 7, output.length]) {
      const search = new LineSearch(spec({ query: "hit" }));
      for (let i = 0; i < output.length; i += size) search.pushOutput(output.slice(i, i + size));
      search.endOutput();
      const result = search.result();
      expect(result.matches.map((m) => [m.line, m.text])).toEqual([
        [1, "first HIT"],
        [4, "HIT at the end"],
      ]);
      expect(result.lines).toBe(5);
    }
    // The same lines through the log: a clean read of line n is the hit's text.
    const log = new OutputLog({ maxLines: 100 });
    log.append(output);
    expect(log.read({ mode: "full", since: 1, maxLines: 1, clean: true }).output).toBe("first HIT");
    expect(log.read({ mode: "full", since: 2, maxLines: 1, clean: true }).output).toBe("loading 100%");
  });

  it("plain text split by escape codes or rewritten by \\r is still found (the chunk prefilter only skips plain lines)", () => {
    const search = new LineSearch(spec({ query: "needle" }));
    search.pushOutput("x NEE\x1b[1mDLE y\r\nplain line\r\nnee\rneedle\r\nneedle-ish\r\n");
    expect(search.result().matches.map((m) => [m.line, m.text])).toEqual([
      [0, "x NEEDLE y"],
      [2, "needle"],
      [3, "needle-ish"],
    ]);
  });

  it("cleanLine equals the cleaner on plain and escaped lines", () => {
    for (const raw of ["plain  ", "tab\t", "a\u00a0 ", "\x1b[1mbold\x1b[0m", "over\rwrite", "x\u3000", "", "é ok\r", "line \t\r", "abc\r  ", "\r", "a\r\r", "x\u00a0\r"]) {
      expect(cleanLine(raw)).toBe(cleanTerminalText(raw));
    }
  });

  it("context before and after, across the since boundary, and paging", () => {
    const search = new LineSearch(spec({ query: "m", caseSensitive: true, context: 2, since: 2, maxMatches: 2 }));
    for (const line of ["m0", "b1", "m2", "c3", "m4", "d5", "m6"]) search.pushLine(line);
    const { matches, totalMatches, nextFrom } = search.result();
    expect(totalMatches).toBe(3);
    expect(nextFrom).toBe(6);
    expect(matches[0]).toMatchObject({ line: 2, before: ["m0", "b1"], after: ["c3", "m4"] });
    expect(matches[1]).toMatchObject({ line: 4, before: ["m2", "c3"], after: ["d5", "m6"] });
  });

  it("regex and case toggles; a long line is cut around its match", () => {
    const lines = ["Error: one", "error: two", "no problem"];
    const count = (over: Partial<SearchSpec>) => {
      const search = new LineSearch(spec(over));
      lines.forEach((l) => search.pushLine(l));
      return search.result().totalMatches;
    };
    expect(count({ query: "error" })).toBe(2);
    expect(count({ query: "error", caseSensitive: true })).toBe(1);
    expect(count({ query: "^e.ror", regex: true })).toBe(2);
    expect(count({ query: "^e.ror", regex: true, caseSensitive: true })).toBe(1);
    expect(count({ query: "e.ror" })).toBe(0);

    const search = new LineSearch(spec({ query: "needle" }));
    search.pushLine(`${"a".repeat(5000)}needle${"b".repeat(5000)}`);
    const [hit] = search.result().matches;
    expect(hit!.text.length).toBeLessThanOrEqual(SHOWN_LINE_CHARS + 2);
    expect(hit!.text.slice(hit!.column, hit!.column + hit!.length)).toBe("needle");
  });

  it("keeps only the end of a line over the cap, like the log", () => {
    const search = new LineSearch(spec({ query: "start" }), 100);
    search.pushOutput(`start${"x".repeat(500)}`);
    search.pushOutput("\nstart\n");
    expect(search.result().matches.map((m) => m.line)).toEqual([1]);
  });

  it("skipTo leaves a gap in the numbering and forgets context", () => {
    const search = new LineSearch(spec({ query: "hit", context: 1 }));
    search.pushLine("before");
    search.skipTo(10);
    search.pushLine("hit");
    expect(search.result().matches[0]).toMatchObject({ line: 10, before: [] });
  });
});

describe("logLines", () => {
  it("drops the marker lines of capped lines from a raw read", () => {
    const log = new OutputLog({ maxLines: 10, maxLineChars: 10 });
    log.append("short\n0123456789abcdef\nend\n");
    const read = log.read({ mode: "full", since: 0 });
    expect(read.output.split("\n")).toHaveLength(4);
    expect(logLines(read, 0)).toEqual(["short", "6789abcdef", "end"]);
  });
});
