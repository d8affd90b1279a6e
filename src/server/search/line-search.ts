import { cleanTerminalText } from "../../lib/terminal-text/ansi-clean";
import { DEFAULT_MAX_LINE_CHARS } from "../../terminal/host/output-log";
import type { SearchHit, SearchSpec } from "./search-types";

/**
 * The matching half of output search, pure and streaming: fed a run's output (split anywhere) or
 * whole lines, it numbers lines exactly as the output log does (`output-log.ts`: split at `\n`,
 * from 0, a line longer than the cap keeps its end) and matches each line's clean text — the text
 * a `clean=true` buffer read of that one line returns. It keeps only the context lines it may
 * still need, so memory does not grow with the output.
 *
 * Runs inside the search worker (`search-worker.ts`): a user's regex may backtrack for seconds.
 */

/** Longest text shown for one line of a result; a longer line is cut around its match. */
export const SHOWN_LINE_CHARS = 300;
/** Shown before the match when a long line is cut. */
const SHOWN_BEFORE_MATCH = 80;

/**
 * C0 controls but tab, DEL and C1 controls — except one `\r` at the very end: nearly every line
 * of PTY output ends in the `\r` of `\r\n`, and a carriage return with nothing after it changes
 * nothing. A line without them cleans to itself, trimmed.
 */
const CONTROL_CHARS = /[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f-\x9f]|\r(?!$)/;

/** The clean text of one raw log line: cleanTerminalText's result, without its cost for plain lines. */
export function cleanLine(raw: string): string {
  if (CONTROL_CHARS.test(raw)) return cleanTerminalText(raw);
  let end = raw.length;
  if (end > 0 && raw.charCodeAt(end - 1) === 0x0d) end--;
  let code = 0;
  while (end > 0 && ((code = raw.charCodeAt(end - 1)) === 0x20 || code === 0x09)) end--;
  // Other trailing whitespace (NBSP, ideographic space…) follows the cleaner's own rule.
  if (end > 0 && raw.charCodeAt(end - 1) > 0x7f && /\s/.test(raw[end - 1]!)) return cleanTerminalText(raw);
  return end === raw.length ? raw : raw.slice(0, end);
}

type Matcher = (text: string) => { index: number; length: number } | undefined;

function compile(spec: SearchSpec): Matcher {
  if (spec.regex) {
    // No g or y: a stateful regex would skip matches between lines.
    const regex = new RegExp(spec.query, spec.caseSensitive ? "" : "i");
    return (text) => {
      const match = regex.exec(text);
      return match ? { index: match.index, length: match[0].length } : undefined;
    };
  }
  if (spec.caseSensitive) {
    const needle = spec.query;
    return (text) => {
      const index = text.indexOf(needle);
      return index < 0 ? undefined : { index, length: needle.length };
    };
  }
  // Case-insensitive plain text: the engine's own folding, without lower-casing every line.
  const folded = new RegExp(spec.query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  return (text) => {
    const match = folded.exec(text);
    return match ? { index: match.index, length: match[0].length } : undefined;
  };
}

/** A long line cut to SHOWN_LINE_CHARS around `index`; the match's place within what is shown. */
function shown(text: string, index = 0, length = 0): { text: string; column: number; length: number } {
  if (text.length <= SHOWN_LINE_CHARS) return { text, column: Math.min(index, text.length), length: Math.min(length, text.length - index) };
  const start = Math.max(0, Math.min(index - SHOWN_BEFORE_MATCH, text.length - SHOWN_LINE_CHARS));
  const end = start + SHOWN_LINE_CHARS;
  const prefix = start > 0 ? "…" : "";
  const suffix = end < text.length ? "…" : "";
  const column = index - start + prefix.length;
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, column, length: Math.max(0, Math.min(length, end - index)) };
}

export interface LineSearchResult {
  matches: SearchHit[];
  /** Matching lines at or after `since` among the lines searched. */
  totalMatches: number;
  /** The first matching line not returned (the `since` of the next page), or null. */
  nextFrom: number | null;
  /** Lines numbered so far (the next line's number). */
  lines: number;
}

export class LineSearch {
  private readonly match: Matcher;
  private readonly maxLineChars: number;
  /** The last `context` raw lines before the current one, oldest first. */
  private readonly before: string[] = [];
  /** Returned hits still collecting lines after them. */
  private awaiting: SearchHit[] = [];
  private readonly matches: SearchHit[] = [];
  private total = 0;
  private next: number | null = null;
  private lineNumber = 0;
  private partial: string[] = [];
  private partialLength = 0;

  constructor(
    private readonly spec: SearchSpec,
    maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {
    this.match = compile(spec);
    this.maxLineChars = maxLineChars;
  }

  /** Lines numbered so far; the unfinished line (if any) would be this number. */
  get lines(): number {
    return this.lineNumber;
  }

  /** Raw output, split anywhere: completed lines are searched, the rest waits for its `\n`. */
  pushOutput(chunk: string): void {
    // Plain text: the clean text of a line without controls is a prefix of its raw text, so when
    // the raw chunk holds no match, only its lines with controls need cleaning and matching.
    const chunkMatches = this.spec.regex || this.match(chunk) !== undefined;
    let start = 0;
    let newline = chunk.indexOf("\n", start);
    while (newline !== -1) {
      const piece = chunk.slice(start, newline);
      if (this.partialLength === 0) this.pushLine(piece, chunkMatches);
      else {
        this.addPartial(piece);
        this.pushLine(this.takePartial());
      }
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) this.addPartial(chunk.slice(start));
  }

  /** The output ended: its unfinished line is a line (as a read shows it). */
  endOutput(): void {
    if (this.partialLength > 0) this.pushLine(this.takePartial());
  }

  /** Drops the unfinished line: another source (the live log) will supply it from this number on. */
  dropPartial(): void {
    this.partial = [];
    this.partialLength = 0;
  }

  /** Continues numbering at `line` (lines before it are not available: evicted, or never recorded). */
  skipTo(line: number): void {
    if (line <= this.lineNumber) return;
    this.lineNumber = line;
    this.before.length = 0;
    this.awaiting = [];
  }

  /**
   * One complete line (raw, as the log stores it). `mayMatch` false: the line cannot match unless
   * it holds controls (the plain-text prefilter of `pushOutput`).
   */
  pushLine(rawLine: string, mayMatch = true): void {
    const raw = rawLine.length > this.maxLineChars ? rawLine.slice(rawLine.length - this.maxLineChars) : rawLine;
    const n = this.lineNumber++;
    const context = this.spec.context;
    let clean: string | undefined;
    if (this.awaiting.length > 0) {
      clean = cleanLine(raw);
      const text = shown(clean).text;
      for (const hit of this.awaiting) hit.after.push(text);
      this.awaiting = this.awaiting.filter((hit) => hit.after.length < context);
    }
    if (n >= this.spec.since && (mayMatch || clean !== undefined || CONTROL_CHARS.test(raw))) {
      clean ??= cleanLine(raw);
      const found = this.match(clean);
      if (found) {
        this.total++;
        if (this.matches.length < this.spec.maxMatches) {
          const cut = shown(clean, found.index, found.length);
          const hit: SearchHit = {
            line: n,
            text: cut.text,
            column: cut.column,
            length: cut.length,
            before: this.before.map((line) => shown(cleanLine(line)).text),
            after: [],
          };
          this.matches.push(hit);
          if (context > 0) this.awaiting.push(hit);
        } else if (this.next === null) this.next = n;
      }
    }
    if (context > 0) {
      this.before.push(raw);
      if (this.before.length > context) this.before.shift();
    }
  }

  result(): LineSearchResult {
    return { matches: this.matches, totalMatches: this.total, nextFrom: this.next, lines: this.lineNumber };
  }

  private addPartial(piece: string): void {
    this.partial.push(piece);
    this.partialLength += piece.length;
    // Only the line's end is kept (the cap); trimming in batches keeps this linear.
    if (this.partialLength > 2 * this.maxLineChars) {
      const text = this.partial.join("");
      this.partial = [text.slice(text.length - this.maxLineChars)];
      this.partialLength = this.maxLineChars;
    }
  }

  private takePartial(): string {
    const text = this.partial.length === 1 ? this.partial[0]! : this.partial.join("");
    this.partial = [];
    this.partialLength = 0;
    return text;
  }
}
