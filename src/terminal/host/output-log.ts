/**
 * OutputLog: the line-numbered, bounded log of one session's output, read by the buffer API.
 *
 * Lines
 * - Output is split at `\n`. Completed lines are numbered from 0 in arrival order; a line's number
 *   never changes. The ring keeps the newest completed lines, at most `maxLines` of them and at most
 *   `maxChars` characters in all (whichever binds first; the newest line is always kept):
 *   `firstLine` is the oldest kept, `totalLines` the count of completed lines ever (so the kept
 *   lines are [firstLine, totalLines)). Older lines are evicted.
 * - The text after the last `\n` (a prompt, a progress bar being drawn) is the unfinished line. It
 *   has the number `totalLines`, is shown by reads like any line, and becomes line `totalLines`
 *   when its `\n` arrives. An empty unfinished line is not a line.
 * - A line's text is stored raw (escape sequences included). Raw reads drop the `\r` of a `\r\n`.
 * - Chunk boundaries do not matter: any split of the same output gives the same lines and reads.
 *
 * The line cap (`maxLineChars`, default 64 Ki UTF-16 code units)
 * - A line longer than the cap keeps only its LAST `maxLineChars` characters (never splitting a
 *   surrogate pair): what matters in a newline-less flood is its final state (a progress bar
 *   redrawn with `\r` for an hour ends as its last frame). The dropped count is remembered: a read
 *   that shows such a line puts a marker line `... [N chars dropped from the start of line L] ...`
 *   before it and reports `truncated: true`. With `maxChars`, memory is bounded by about
 *   (maxChars + maxLineChars) × 2 bytes however the output is shaped.
 *
 * read(query): the range, then the mode
 * - Range: lines [start, end) where end = totalLines, plus one when there is an unfinished line.
 *   `since` (default 0) asks for lines >= since. If since < firstLine, those lines were evicted:
 *   start = firstLine and `truncated` is true. If since >= end the output is empty.
 * - `full`: the first `maxLines` (default 1000) lines of the range. `head`: the first `headLines`
 *   (default 50). `tail`: the last `tailLines` (default 50). `head-tail`: the first `headLines` and
 *   the last `tailLines`, with a marker line `... [N lines omitted] ...` between them when they do
 *   not meet (otherwise the whole range). Counts are clamped to integers >= 0.
 * - `nextReadFrom`: the number after the last line shown, except that an unfinished line shown is
 *   pointed at (its number is `totalLines`), so it is read again once complete. When nothing is
 *   shown it is `start` for full/head and the end for tail/head-tail. It is never above
 *   `totalLines`. A loop of `read({ mode: "full", since: nextReadFrom })` therefore sees every
 *   completed line exactly once (while `hasMore`, read again at once; an unfinished line may be
 *   seen several times before it completes, always as the last line with
 *   `endsWithPartialLine: true`).
 * - `hasMore`: lines of the range remain after the last line shown (read again from nextReadFrom).
 * - `linesShown`: log lines shown (marker lines not counted); `linesOmitted`: lines of the range
 *   not shown (evicted lines are not in the range and not counted).
 * - `truncated`: lines were evicted before `since`, or lines of the range were omitted (including
 *   the rest of the range after a `full` read with `hasMore`), or a shown line was capped.
 * - `clean`: runs cleanTerminalText on the shown text (head and tail parts separately, so a cursor
 *   move in one cannot reach into the other). Cursor-up cannot reach above the first line shown.
 * - `stats.totalBytes`: UTF-8 bytes appended ever (not just the range); `stats.estimatedTokens`:
 *   estimateTokens(output) of the returned output.
 */
import { cleanTerminalText, estimateTokens } from "../../lib/terminal-text/ansi-clean";

/** A line's characters beyond this are dropped from its start (see the file comment). */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;
/** All kept lines together: 32 MB of UTF-16, room for 10k lines of ~1,600 chars. */
export const DEFAULT_MAX_CHARS = 16 * 1024 * 1024;
export const DEFAULT_HEAD_LINES = 50;
export const DEFAULT_TAIL_LINES = 50;
export const DEFAULT_FULL_MAX_LINES = 1000;
export const OUTPUT_READ_MODES = ["full", "head", "tail", "head-tail"] as const;

export type OutputReadMode = (typeof OUTPUT_READ_MODES)[number];

export interface OutputLogOptions {
  /** Completed lines kept (terminal.scrollbackLines). */
  maxLines: number;
  /** Longest line kept, in UTF-16 code units; longer lines keep their end. */
  maxLineChars?: number;
  /** Characters kept in all completed lines together; the oldest lines go first. */
  maxChars?: number;
}

export interface OutputReadQuery {
  mode: OutputReadMode;
  tailLines?: number;
  headLines?: number;
  maxLines?: number;
  since?: number;
  clean?: boolean;
}

export interface OutputReadResult {
  output: string;
  totalLines: number;
  firstLine: number;
  nextReadFrom: number;
  hasMore: boolean;
  truncated: boolean;
  /** The output's last line is the unfinished line (it will be read again once complete). */
  endsWithPartialLine: boolean;
  stats: {
    totalBytes: number;
    estimatedTokens: number;
    linesShown: number;
    linesOmitted: number;
  };
}

/**
 * Completed lines are packed into one string per this many characters. Lines arrive as slices of
 * the session's output batches: small strings that all outlive several young-generation GCs, each
 * of which copied them again (under twenty floods the GC pauses were the event loop's worst
 * delays). A packed block is one flat string that replaces a thousand slices. It stays below
 * V8's large-object threshold (128 KB, even as two-byte text): large objects are allocated by
 * mapping fresh pages, which cost far more CPU than the scavenges they avoid.
 */
const PACK_CHARS = 60 * 1024;
/**
 * A chunk at least this long keeps the lines wholly inside it as ranges of itself (a block of its
 * own) instead of as slices to be packed later: a flood's batch costs one block, not a thousand
 * slices and a copy. Only when those lines are at least half of the chunk, so the text kept
 * alive stays within twice the characters counted.
 */
const DIRECT_MIN_CHARS = 16 * 1024;

/**
 * Lines [first, first + ends.length) of the ring in `text`: line 0 starts at `start`, line i ends
 * at ends[i], and line i + 1 starts `gap` characters after that (0 in packed blocks, 1 — the
 * `\n` — in a chunk kept as it came).
 */
interface PackedBlock {
  first: number;
  text: string;
  start: number;
  gap: number;
  ends: Uint32Array;
}

/** Half-open range of line numbers. */
interface Block {
  from: number;
  to: number;
}

export class OutputLog {
  readonly #maxLines: number;
  readonly #maxLineChars: number;
  readonly #maxChars: number;

  /** Lengths of the completed lines kept; the oldest is at `#ringStart`. */
  readonly #ring: Uint32Array;
  /** The newest completed lines, not packed yet: `#open[#openHead…]`, from line `#openFirst` on. */
  #open: string[] = [];
  #openHead = 0;
  #openFirst = 0;
  #openChars = 0;
  /** Packed older lines, oldest first (`#packed[#packedHead…]`). */
  #packed: PackedBlock[] = [];
  #packedHead = 0;
  #ringStart = 0;
  #ringCount = 0;
  /** Characters in the kept completed lines. */
  #ringChars = 0;
  #totalLines = 0;
  /** Line ends of a large chunk, gathered before it becomes a block. */
  #scratch = new Uint32Array(1024);
  /** Chars dropped by the cap, by line number (only capped lines, so usually empty). */
  readonly #capped = new Map<number, number>();

  #totalBytes = 0;
  /** The previous chunk ended in a high surrogate (its pair may be completed by this one). */
  #pendingHighSurrogate = false;

  /** The unfinished line as pieces (`#pieces[#pieceHead…]`), so appends never copy it. */
  #pieces: string[] = [];
  #pieceHead = 0;
  #partialLength = 0;
  #partialDropped = 0;
  /** The last character the cap dropped from the unfinished line (surrogate-pair check). */
  #lastDroppedCode = 0;

  constructor(options: OutputLogOptions) {
    const { maxLines, maxLineChars = DEFAULT_MAX_LINE_CHARS, maxChars = DEFAULT_MAX_CHARS } = options;
    for (const [name, value] of Object.entries({ maxLines, maxLineChars, maxChars })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
      }
    }
    this.#maxLines = maxLines;
    this.#maxLineChars = maxLineChars;
    this.#maxChars = maxChars;
    this.#ring = new Uint32Array(options.maxLines);
  }

  /** Oldest line still kept. */
  get firstLine(): number {
    return this.#totalLines - this.#ringCount;
  }

  /** Completed lines ever. */
  get totalLines(): number {
    return this.#totalLines;
  }

  /** UTF-8 bytes appended ever. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /**
   * Takes raw PTY output, split anywhere (mid `\r\n`, mid escape sequence, mid line).
   * `bytes`: its UTF-8 size when the caller knows it (it decoded it), saving a count.
   */
  append(chunk: string, bytes?: number): void {
    if (chunk.length === 0) return;
    if (bytes === undefined) this.#countBytes(chunk);
    else {
      this.#totalBytes += bytes;
      this.#pendingHighSurrogate = isHighSurrogate(chunk.charCodeAt(chunk.length - 1));
    }
    let start = 0;
    let newline = chunk.indexOf("\n");
    let direct = chunk.length >= DIRECT_MIN_CHARS;
    while (newline !== -1) {
      if (this.#partialLength === 0 && this.#partialDropped === 0 && newline - start <= this.#maxLineChars) {
        if (direct) {
          const next = this.#appendDirect(chunk, start, newline);
          direct = false;
          if (next !== start) {
            start = next;
            newline = chunk.indexOf("\n", start);
            continue;
          }
        }
        this.#pushLine(chunk.slice(start, newline), 0);
      } else {
        if (newline > start) this.#appendPartial(chunk.slice(start, newline));
        this.#completePartial();
      }
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) this.#appendPartial(start === 0 ? chunk : chunk.slice(start));
  }

  read(query: OutputReadQuery): OutputReadResult {
    const hasPartial = this.#partialLength > 0 || this.#partialDropped > 0;
    const end = this.#totalLines + (hasPartial ? 1 : 0);
    const requested = toCount(query.since, 0);
    const start = Math.max(requested, this.firstLine);
    const rangeLength = Math.max(0, end - start);
    const blocks = selectBlocks(query, start, end, rangeLength);

    const linesShown = blocks.reduce((sum, block) => sum + block.to - block.from, 0);
    const lastShownEnd = blocks.at(-1)?.to;
    const afterShown =
      lastShownEnd ?? (query.mode === "full" || query.mode === "head" ? start : end);
    const linesOmitted = rangeLength - linesShown;

    const rendered = blocks.map((block) => this.#render(block, query.clean === true));
    const output = rendered.map((part) => part.text).join(`\n... [${linesOmitted} lines omitted] ...\n`);
    const anyCapped = rendered.some((part) => part.capped);

    return {
      output,
      totalLines: this.#totalLines,
      firstLine: this.firstLine,
      nextReadFrom: Math.min(afterShown, this.#totalLines),
      hasMore: afterShown < end,
      truncated: requested < this.firstLine || linesOmitted > 0 || anyCapped,
      endsWithPartialLine: hasPartial && lastShownEnd === end,
      stats: {
        totalBytes: this.#totalBytes,
        estimatedTokens: estimateTokens(output),
        linesShown,
        linesOmitted,
      },
    };
  }

  #render(block: Block, clean: boolean): { text: string; capped: boolean } {
    const lines: string[] = [];
    let capped = false;
    for (let n = block.from; n < block.to; n++) {
      const dropped = n === this.#totalLines ? this.#partialDropped : (this.#capped.get(n) ?? 0);
      if (dropped > 0) {
        lines.push(`... [${dropped} chars dropped from the start of line ${n}] ...`);
        capped = true;
      }
      const line = this.#lineText(n);
      // Raw reads drop the `\r` of `\r\n`; the cleaner needs it (it is a carriage return there).
      lines.push(!clean && line.endsWith("\r") ? line.slice(0, -1) : line);
    }
    const text = lines.join("\n");
    return { text: clean ? cleanTerminalText(text) : text, capped };
  }

  #lineText(n: number): string {
    if (n === this.#totalLines) return this.#partialText();
    if (n >= this.#openFirst) return this.#open[this.#openHead + n - this.#openFirst]!;
    // Binary search over the packed blocks (ordered by first line).
    let lo = this.#packedHead;
    let hi = this.#packed.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#packed[mid]!.first <= n) lo = mid;
      else hi = mid - 1;
    }
    const block = this.#packed[lo]!;
    const i = n - block.first;
    return block.text.slice(i === 0 ? block.start : block.ends[i - 1]! + block.gap, block.ends[i]!);
  }

  /**
   * Takes the lines of `chunk` from `start` (the first ends at `newline`) up to its last `\n`, or
   * to a line over the cap, as a block that is the chunk itself (see DIRECT_MIN_CHARS). Returns
   * where it stopped: `start` when it declined.
   */
  #appendDirect(chunk: string, start: number, newline: number): number {
    let ends = this.#scratch;
    let count = 0;
    let from = start;
    let at = newline;
    while (at !== -1 && at - from <= this.#maxLineChars) {
      if (count === ends.length) {
        const grown = new Uint32Array(ends.length * 2);
        grown.set(ends);
        ends = this.#scratch = grown;
      }
      ends[count++] = at;
      from = at + 1;
      at = chunk.indexOf("\n", from);
    }
    if ((from - start) * 2 < chunk.length) return start;
    if (this.#openHead < this.#open.length) this.#pack();
    const first = this.#totalLines;
    this.#packed.push({ first, text: chunk, start, gap: 1, ends: ends.slice(0, count) });
    // The block's lines are not open lines: eviction must not look for them there.
    this.#openFirst = first + count;
    let lineStart = start;
    for (let i = 0; i < count; i++) {
      const end = ends[i]!;
      this.#countLine(end - lineStart, 0);
      lineStart = end + 1;
    }
    return from;
  }

  #pack(): void {
    const lines = this.#openHead === 0 ? this.#open : this.#open.slice(this.#openHead);
    const ends = new Uint32Array(lines.length);
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      at += lines[i]!.length;
      ends[i] = at;
    }
    this.#packed.push({ first: this.#openFirst, text: lines.join(""), start: 0, gap: 0, ends });
    this.#openFirst += lines.length;
    this.#open = [];
    this.#openHead = 0;
    this.#openChars = 0;
  }

  #pushLine(line: string, dropped: number): void {
    this.#open.push(line);
    this.#openChars += line.length;
    this.#countLine(line.length, dropped);
    if (this.#openChars >= PACK_CHARS) this.#pack();
  }

  /** The ring's side of a new line (its text is already stored, in `#open` or a block). */
  #countLine(length: number, dropped: number): void {
    if (this.#ringCount === this.#maxLines) this.#evictOldest();
    const number = this.#totalLines;
    this.#ring[(this.#ringStart + this.#ringCount) % this.#maxLines] = length;
    this.#ringCount++;
    this.#ringChars += length;
    if (dropped > 0) this.#capped.set(number, dropped);
    this.#totalLines = number + 1;
    while (this.#ringChars > this.#maxChars && this.#ringCount > 1) this.#evictOldest();
  }

  #evictOldest(): void {
    if (this.#capped.size > 0) this.#capped.delete(this.firstLine);
    this.#ringChars -= this.#ring[this.#ringStart]!;
    this.#ringStart = this.#ringStart + 1 === this.#maxLines ? 0 : this.#ringStart + 1;
    this.#ringCount--;
    const first = this.firstLine;
    if (first > this.#openFirst) {
      // The oldest open line went (a ring smaller than a block): drop it from the open lines.
      this.#openChars -= this.#open[this.#openHead]!.length;
      this.#open[this.#openHead++] = "";
      this.#openFirst++;
      if (this.#openHead > 1024 && this.#openHead * 2 > this.#open.length) {
        this.#open = this.#open.slice(this.#openHead);
        this.#openHead = 0;
      }
    }
    // A packed block goes once its last line has.
    while (this.#packedHead < this.#packed.length) {
      const block = this.#packed[this.#packedHead]!;
      if (block.first + block.ends.length > first) break;
      this.#packed[this.#packedHead++] = undefined as unknown as PackedBlock;
    }
    if (this.#packedHead > 32 && this.#packedHead * 2 > this.#packed.length) {
      this.#packed = this.#packed.slice(this.#packedHead);
      this.#packedHead = 0;
    }
  }

  #appendPartial(piece: string): void {
    this.#pieces.push(piece);
    this.#partialLength += piece.length;
    if (this.#partialLength > this.#maxLineChars) this.#dropPartialStart(this.#partialLength - this.#maxLineChars);
  }

  /** Drops `count` characters from the start of the unfinished line, plus the low half of a pair. */
  #dropPartialStart(count: number): void {
    const pieces = this.#pieces;
    let left = count;
    while (left > 0) {
      const first = pieces[this.#pieceHead]!;
      if (first.length <= left) {
        left -= first.length;
        this.#lastDroppedCode = first.charCodeAt(first.length - 1);
        this.#pieceHead++;
      } else {
        this.#lastDroppedCode = first.charCodeAt(left - 1);
        pieces[this.#pieceHead] = first.slice(left);
        left = 0;
      }
    }
    this.#partialLength -= count;
    this.#partialDropped += count;
    const next = pieces[this.#pieceHead];
    if (next !== undefined && isHighSurrogate(this.#lastDroppedCode) && isLowSurrogate(next.charCodeAt(0))) {
      this.#dropPartialStart(1);
      return;
    }
    if (this.#pieceHead > 64 && this.#pieceHead * 2 > pieces.length) {
      pieces.splice(0, this.#pieceHead);
      this.#pieceHead = 0;
    }
  }

  /** The unfinished line's text; joins its pieces once so repeated reads do not. */
  #partialText(): string {
    if (this.#pieces.length - this.#pieceHead > 1) {
      this.#pieces = [this.#pieces.slice(this.#pieceHead).join("")];
      this.#pieceHead = 0;
    }
    return this.#pieces[this.#pieceHead] ?? "";
  }

  #completePartial(): void {
    const text = this.#partialText();
    const dropped = this.#partialDropped;
    // A capped line is the tail of a big string; copy it so the big string can be freed.
    this.#pushLine(dropped > 0 ? detachedCopy(text) : text, dropped);
    this.#pieces = [];
    this.#pieceHead = 0;
    this.#partialLength = 0;
    this.#partialDropped = 0;
    this.#lastDroppedCode = 0;
  }

  #countBytes(chunk: string): void {
    let bytes = Buffer.byteLength(chunk, "utf8");
    // A surrogate pair split between chunks is counted as two lone halves (3 + 3 bytes); it is 4.
    if (this.#pendingHighSurrogate && isLowSurrogate(chunk.charCodeAt(0))) bytes -= 2;
    this.#pendingHighSurrogate = isHighSurrogate(chunk.charCodeAt(chunk.length - 1));
    this.#totalBytes += bytes;
  }
}

function selectBlocks(query: OutputReadQuery, start: number, end: number, rangeLength: number): Block[] {
  const block = (from: number, count: number): Block[] => (count > 0 ? [{ from, to: from + count }] : []);
  switch (query.mode) {
    case "full":
      return block(start, Math.min(rangeLength, toCount(query.maxLines, DEFAULT_FULL_MAX_LINES)));
    case "head":
      return block(start, Math.min(rangeLength, toCount(query.headLines, DEFAULT_HEAD_LINES)));
    case "tail": {
      const count = Math.min(rangeLength, toCount(query.tailLines, DEFAULT_TAIL_LINES));
      return block(end - count, count);
    }
    case "head-tail": {
      const head = toCount(query.headLines, DEFAULT_HEAD_LINES);
      const tail = toCount(query.tailLines, DEFAULT_TAIL_LINES);
      if (head + tail >= rangeLength) return block(start, rangeLength);
      return [...block(start, head), ...block(end - tail, tail)];
    }
    default: {
      const unknown: never = query.mode;
      throw new RangeError(`unknown read mode: ${String(unknown)}`);
    }
  }
}

/** A non-negative integer from an optional number (NaN and absent give `fallback`). */
function toCount(value: number | undefined, fallback: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  return Math.max(0, Math.floor(value));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A copy of `text` that does not keep a larger string alive. V8 represents slices as views of
 * their parent; flattening a fresh concatenation forces new storage. Harmless on other engines.
 */
function detachedCopy(text: string): string {
  return ` ${text}`.slice(1);
}
