/**
 * Turning raw terminal output into text a reader (a person or an agent paying per token) needs.
 *
 * - `scanTerminal(raw, sink)` walks the output once and tells a sink about text, controls, CSI
 *   and two-byte escapes; it skips OSC (ended by BEL or ST), DCS/SOS/PM/APC strings and charset
 *   designations. The tokenizing is the project's one escape-sequence tokenizer
 *   (`escape-tokenizer.ts`, its "reader" dialect), shared with the screen mirror's plain-run tracker. (The tests' `stripAnsi`, in test/helpers/strip-ansi.ts, is a sink that keeps
 *   text and `\n`, `\r`, `\t`, `\b` only.)
 * - `cleanTerminalText(raw)` also acts as a small line editor and returns the final state of the
 *   text: `\r` returns to column 0 and later text overwrites, `\b` and `ESC[nD` move back,
 *   `ESC[nC`/`ESC[nG` move right/absolute, `ESC[K` (0, 1, 2) erase in the line, `ESC[nA`/`ESC[nF`
 *   move up (multi-line progress displays redraw this way), `ESC[nB`/`ESC[nE` move down,
 *   `ESC[J` erases below, `ESC 7`/`ESC 8` and `ESC[s`/`ESC[u` save and restore the cursor. So a
 *   progress bar drawn with `\r` ends as its last frame and a spinner collapses to its last frame.
 *   `\n` (and so `\r\n`) starts the next line; trailing whitespace is trimmed per line.
 * - `estimateTokens(text)` is the one token heuristic used everywhere: ceil(length / 4).
 *
 * Model and limits (all deliberate, for speed and for safety on hostile input):
 * - The text is a grid of rows without a known width or height: a column is one UTF-16 code unit
 *   (wide characters and tab stops are not modelled; `\t` is kept as a character).
 * - Cursor-up clamps at the first row of the text given (cleaning runs on a range of log lines)
 *   and reaches at least `CURSOR_REACH_ROWS` rows back, like a tall screen; older rows are final.
 *   Cursor-down stops at the last row written.
 * - Absolute positioning (`ESC[r;cH`, `ESC[rd`) and screen clears (`ESC[2J`) cannot be resolved
 *   without the screen, so they continue on a fresh line and keep the history; full-screen
 *   programs are better read from the screen mirror's snapshot.
 * - Cursor moves never go right of `MAX_COLUMN` (only text itself extends a row further), and a
 *   blank gap wider than `MAX_COLUMN` is narrowed to it, so no short sequence costs more than a
 *   screen width of work: time is linear in the input for any input.
 * - An unterminated CSI or string sequence at the end of the input is dropped; an OSC/DCS/…
 *   string that never ends is closed at the next `\n` so one malformed title cannot eat the
 *   rest of the output.
 */

import { EscapeTokenizer, type EscapeSink } from "./escape-tokenizer";

const BS = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** No real terminal is wider; bounds the work any cursor move or gap can cause. */
export const MAX_COLUMN = 1024;
/** Rows cursor-up can still reach (at least): taller than any screen that redraws in place. */
export const CURSOR_REACH_ROWS = 1000;
/** Rows up to this length are edited as strings; longer ones switch to a cell buffer. */
const SPLICE_LIMIT = 256;
/** Arguments per String.fromCharCode call when decoding cells (well under engine limits). */
const DECODE_CHUNK = 4096;

/** Estimated tokens of `text`: ceil(UTF-16 length / 4), the usual rule of thumb for English and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Receives the pieces of terminal output in order, as found by `scanTerminal` (see escape-tokenizer.ts). */
export type TerminalSink = EscapeSink;

/**
 * Walks `raw` once, separating text from controls and escape sequences, with the shared
 * tokenizer's reader dialect (escape-tokenizer.ts). Never throws.
 */
export function scanTerminal(raw: string, sink: TerminalSink): void {
  new EscapeTokenizer("reader").write(raw, sink);
}

/**
 * One row of the line editor. Short rows are edited as strings (splicing costs at most
 * SPLICE_LIMIT); a long row switches once to a growable UTF-16 cell buffer so overwrites cost
 * only what they write.
 */
class Row {
  #text = "";
  #cells: Uint16Array | null = null;
  #cellCount = 0;
  /** Cells [0, blankPrefix) are known blank, so repeated `ESC[1K` does no repeated work. */
  #blankPrefix = 0;

  get length(): number {
    return this.#cells === null ? this.#text.length : this.#cellCount;
  }

  /** Writes `raw[start, end)` at `col`; returns the column after the written text. */
  write(raw: string, start: number, end: number, col: number): number {
    const length = this.length;
    const at = Math.min(col, length + MAX_COLUMN);
    const count = end - start;
    if (at < this.#blankPrefix) this.#blankPrefix = at;
    if (this.#cells === null) {
      const piece = start === 0 && end === raw.length ? raw : raw.slice(start, end);
      if (at >= length) {
        this.#text += at > length ? " ".repeat(at - length) + piece : piece;
        return at + count;
      }
      if (length <= SPLICE_LIMIT) {
        this.#text = this.#text.slice(0, at) + piece + this.#text.slice(at + count);
        return at + count;
      }
      this.#toCells();
    }
    const cells = this.#reserve(at + count);
    if (at > this.#cellCount) cells.fill(0x20, this.#cellCount, at);
    for (let k = 0; k < count; k++) cells[at + k] = raw.charCodeAt(start + k);
    this.#cellCount = Math.max(this.#cellCount, at + count);
    return at + count;
  }

  /** `ESC[K`: erases from `col` to the end of the row. */
  eraseFrom(col: number): void {
    if (col >= this.length) return;
    if (this.#cells === null && this.#text.length > SPLICE_LIMIT) this.#toCells();
    if (this.#cells === null) this.#text = this.#text.slice(0, col);
    else this.#cellCount = col;
    this.#blankPrefix = Math.min(this.#blankPrefix, col);
  }

  /** `ESC[1K`: erases from the start of the row through `col`. */
  eraseThrough(col: number): void {
    const end = col + 1;
    if (end >= this.length) {
      this.clear();
      return;
    }
    if (end <= this.#blankPrefix) return;
    if (this.#cells === null && this.#text.length > SPLICE_LIMIT) this.#toCells();
    if (this.#cells === null) this.#text = " ".repeat(end) + this.#text.slice(end);
    else this.#cells.fill(0x20, this.#blankPrefix, end);
    this.#blankPrefix = end;
  }

  /** `ESC[2K`. Keeps a cell buffer's allocation: the row is likely redrawn at the same width. */
  clear(): void {
    this.#text = "";
    this.#cellCount = 0;
    this.#blankPrefix = 0;
  }

  /** The row's final text, trailing whitespace trimmed. */
  toString(): string {
    if (this.#cells === null) return this.#text.trimEnd();
    let text = "";
    for (let i = 0; i < this.#cellCount; i += DECODE_CHUNK) {
      text += String.fromCharCode(...this.#cells.subarray(i, Math.min(i + DECODE_CHUNK, this.#cellCount)));
    }
    return text.trimEnd();
  }

  #toCells(): void {
    const text = this.#text;
    const cells = new Uint16Array(Math.max(64, text.length * 2));
    for (let i = 0; i < text.length; i++) cells[i] = text.charCodeAt(i);
    this.#cells = cells;
    this.#cellCount = text.length;
    this.#text = "";
  }

  #reserve(size: number): Uint16Array {
    const cells = this.#cells!;
    if (cells.length >= size) return cells;
    const grown = new Uint16Array(Math.max(size, cells.length * 2));
    grown.set(cells.subarray(0, this.#cellCount));
    this.#cells = grown;
    return grown;
  }
}

/**
 * The line editor behind `cleanTerminalText`. Keeps a window of editable rows (the cursor can
 * reach them); rows that scroll further back than CURSOR_REACH_ROWS are finalized to text.
 */
class LineEditor implements TerminalSink {
  #finished: string[] = [];
  #rows: Row[] = [new Row()];
  /** Index, in the whole text, of `#rows[0]`. */
  #firstRow = 0;
  #row = 0;
  #col = 0;
  #savedRow = 0;
  #savedCol = 0;
  /** Last absolute position (`ESC[r;cH`): its screen row and the row of ours it landed on. */
  #positionedScreenRow = -1;
  #positionedAt = -1;

  text(raw: string, start: number, end: number): void {
    this.#col = this.#currentRow().write(raw, start, end, this.#col);
  }

  control(code: number): void {
    switch (code) {
      case LF:
        this.#lineFeed();
        break;
      case CR:
        this.#col = 0;
        break;
      case BS:
        this.#col = Math.max(0, this.#col - 1);
        break;
      case TAB:
        this.#col = this.#currentRow().write("\t", 0, 1, this.#col);
        break;
      // BEL, NUL, VT, FF and other stray controls carry nothing a reader needs.
    }
  }

  csi(final: number, p0: number, p1: number, flagged: boolean): void {
    if (flagged) return; // private modes, SGR variants with intermediates…: no effect on text
    const n = Math.max(1, p0); // a count of 0 means 1 for cursor moves
    switch (String.fromCharCode(final)) {
      case "A":
        this.#moveUp(n);
        break;
      case "B":
      case "e":
        this.#moveDown(n);
        break;
      case "C":
      case "a":
        this.#col = Math.max(this.#col, Math.min(this.#col + n, MAX_COLUMN));
        break;
      case "D":
        this.#col = Math.max(0, this.#col - n);
        break;
      case "E":
        this.#moveDown(n);
        this.#col = 0;
        break;
      case "F":
        this.#moveUp(n);
        this.#col = 0;
        break;
      case "G":
      case "`":
        this.#col = Math.min(n - 1, MAX_COLUMN);
        break;
      case "H":
      case "f":
        this.#positionAbsolute(n, Math.max(1, p1) - 1);
        break;
      case "d":
        this.#positionAbsolute(n, this.#col);
        break;
      case "J":
        this.#eraseDisplay(p0);
        break;
      case "K":
        this.#eraseLine(p0);
        break;
      case "s":
        this.#save();
        break;
      case "u":
        this.#restore();
        break;
    }
  }

  escape(final: number): void {
    switch (String.fromCharCode(final)) {
      case "7":
        this.#save();
        break;
      case "8":
        this.#restore();
        break;
      case "M": // reverse index
        this.#moveUp(1);
        break;
      case "D": // index
      case "E": // next line
        this.#lineFeed();
        break;
      case "c": // full reset: the screen starts over; keep the history
        this.#freshLine();
        break;
    }
  }

  /** The edited text. Blank rows below the cursor are leftovers of erasing and are dropped. */
  finish(): string {
    let last = this.#rows.length - 1;
    while (last > this.#row && this.#rows[last]!.toString() === "") last--;
    const tail = this.#rows.slice(0, last + 1).map(String).join("\n");
    return this.#finished.length === 0 ? tail : `${this.#finished.join("\n")}\n${tail}`;
  }

  #currentRow(): Row {
    return this.#rows[this.#row]!;
  }

  #lineFeed(): void {
    if (this.#row === this.#rows.length - 1) {
      this.#rows.push(new Row());
      if (this.#rows.length > 2 * CURSOR_REACH_ROWS) this.#finalizeOldRows();
    }
    this.#row++;
    this.#col = 0;
  }

  /** Moves the oldest rows out of the cursor's reach (the cursor is on the last row here). */
  #finalizeOldRows(): void {
    const old = this.#rows.splice(0, CURSOR_REACH_ROWS);
    this.#finished.push(old.map(String).join("\n"));
    this.#firstRow += CURSOR_REACH_ROWS;
    this.#row -= CURSOR_REACH_ROWS;
  }

  #moveUp(n: number): void {
    this.#row = Math.max(0, this.#row - n);
  }

  #moveDown(n: number): void {
    this.#row = Math.min(this.#rows.length - 1, this.#row + n);
  }

  /** Continues on an empty row at the end, so nothing already written is overwritten. */
  #freshLine(): void {
    this.#row = this.#rows.length - 1;
    if (this.#currentRow().length > 0) this.#lineFeed();
    this.#col = 0;
  }

  /** Absolute positioning: stays on the row when the same screen row is addressed again. */
  #positionAbsolute(screenRow: number, col: number): void {
    const here = this.#firstRow + this.#row;
    if (screenRow !== this.#positionedScreenRow || here !== this.#positionedAt) this.#freshLine();
    this.#positionedScreenRow = screenRow;
    this.#positionedAt = this.#firstRow + this.#row;
    this.#col = Math.min(col, MAX_COLUMN);
  }

  #eraseDisplay(mode: number): void {
    if (mode === 0) {
      this.#currentRow().eraseFrom(this.#col);
      this.#rows.length = this.#row + 1;
    } else if (mode === 1) {
      this.#currentRow().eraseThrough(this.#col); // rows above are history: kept
    } else {
      this.#freshLine();
    }
  }

  #eraseLine(mode: number): void {
    const row = this.#currentRow();
    if (mode === 0) row.eraseFrom(this.#col);
    else if (mode === 1) row.eraseThrough(this.#col);
    else if (mode === 2) row.clear();
  }

  #save(): void {
    this.#savedRow = this.#firstRow + this.#row;
    this.#savedCol = this.#col;
  }

  #restore(): void {
    const row = this.#savedRow - this.#firstRow;
    this.#row = Math.min(Math.max(0, row), this.#rows.length - 1);
    this.#col = Math.min(this.#savedCol, MAX_COLUMN);
  }
}

/**
 * Raw terminal output → the text a reader needs: escapes stripped and rewrites (carriage
 * returns, backspaces, cursor moves, erases) reduced to their final state. See the file comment.
 */
export function cleanTerminalText(raw: string): string {
  const editor = new LineEditor();
  scanTerminal(raw, editor);
  return editor.finish();
}
