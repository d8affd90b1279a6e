import { cleanTerminalText } from "../../src/lib/terminal-text/ansi-clean";
import type { LogReader } from "./buffer-wait";

/**
 * The lines a head-tail (or head, or tail) read leaves out are where a long command's first
 * failure usually is: a compiler error scrolled past by 9 000 lines of progress, a Traceback in
 * the middle of a test run. A send-and-wait answer keeps the ones that look like errors, with
 * their line numbers, so an agent sees them without reading the whole output.
 *
 * The regex is ours (fixed, linear), so it runs here; user regexes never do (pattern-matcher.ts).
 */
const ERROR_LINE = /error|exception|traceback|\bfail(?:ed|ure|s)?\b|\bfatal\b|\bpanic|\bERR!|segmentation fault|core dumped|\bdenied\b/i;
/** A capped line is shown behind a marker line (output-log.ts); the marker is not a log line. */
const CAP_MARKER = /^\.\.\. \[\d+ chars dropped from the start of line \d+\] \.\.\.$/;
/** Error lines kept per answer: the first ones (the root cause is usually the first). */
export const MAX_ERROR_LINES = 10;
/** A kept line's text is cut to this many characters (a minified stack frame can be 10 kB). */
export const MAX_ERROR_LINE_CHARS = 200;
/** Lines read from the terminal host per step. */
const CHUNK_LINES = 1_000;

export interface ErrorLine {
  /** Absolute line number (as in `since`). */
  line: number;
  /** The line cleaned (escape codes removed, rewrites resolved), at most MAX_ERROR_LINE_CHARS. */
  text: string;
}

export interface ErrorLines {
  lines: ErrorLine[];
  /** Error lines in the range, including those beyond MAX_ERROR_LINES. */
  total: number;
}

/** The error lines among lines [from, to) of the log (lines the ring no longer holds are skipped). */
export async function findErrorLines(read: LogReader, from: number, to: number): Promise<ErrorLines> {
  const found: ErrorLine[] = [];
  let total = 0;
  let next = from;
  while (next < to) {
    const chunk = await read({ mode: "full", since: next, maxLines: Math.min(CHUNK_LINES, to - next) });
    if (chunk.stats.linesShown === 0) break;
    const start = Math.max(next, chunk.firstLine);
    const lines = chunk.output.split("\n").filter((line) => !CAP_MARKER.test(line));
    for (let i = 0; i < lines.length && start + i < to; i++) {
      const raw = lines[i]!;
      if (!ERROR_LINE.test(raw)) continue;
      const text = cleanTerminalText(raw);
      // A rewritten line (a progress bar that once said "failed") counts by its final state.
      if (!ERROR_LINE.test(text)) continue;
      total++;
      if (found.length < MAX_ERROR_LINES) found.push({ line: start + i, text: text.length > MAX_ERROR_LINE_CHARS ? `${text.slice(0, MAX_ERROR_LINE_CHARS)}…` : text });
    }
    if (chunk.nextReadFrom <= next) break;
    next = chunk.nextReadFrom;
  }
  return { lines: found, total };
}

/** What a read shows, as far as finding the lines it left out needs to know. */
interface ShownRead {
  fromLine: number;
  toLine: number;
  firstLine: number;
  totalLines: number;
  stats: { linesShown: number; linesOmitted: number };
}

/**
 * Lines [from, to) of the range read from `since` that the read did not show (the middle of a
 * head-tail read, what precedes a tail, what follows a head or a capped full read); undefined
 * when it showed them all.
 */
export function omittedRange(read: ShownRead, query: { mode: string; headLines?: number }, since: number): { from: number; to: number } | undefined {
  if (read.stats.linesOmitted === 0) return undefined;
  const shown = read.stats.linesShown;
  const start = Math.max(since, read.firstLine);
  // One past the unfinished line, if any: reading past the end just finds nothing.
  const afterEnd = read.totalLines + 1;
  switch (query.mode) {
    case "tail":
      return { from: start, to: shown === 0 ? afterEnd : read.fromLine };
    case "head-tail": {
      const head = Math.min(query.headLines ?? 0, shown);
      return { from: start + head, to: read.toLine - (shown - head) };
    }
    default:
      return { from: start + shown, to: afterEnd };
  }
}
