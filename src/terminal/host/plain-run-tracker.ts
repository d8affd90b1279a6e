/**
 * Finds the stretches of terminal output a screen mirror may skip without parsing them, for
 * `ScreenMirror`'s fast-forward mode (see there for why skipping is exact).
 *
 * A *plain run* is output made only of printable characters, `\r`, `\n`, `\t` and three CSI
 * sequences that act on the current line or the pen: SGR (`ESC [ … m`), erase in line
 * (`ESC [ … K`) and cursor horizontal absolute (`ESC [ … G`), with plain parameters (digits, `;`,
 * `:`). Starting from the parser's ground state on the normal screen with a full-screen scroll
 * region, such output can only write the current line, move down (scrolling at the bottom) and
 * change the pen: it can never move the cursor up, switch screens, answer a query or touch the
 * modes. So once a plain run has gone on for `keep` more line feeds (2 × rows + scrollback +
 * a margin), nothing it printed before that point can still be on the screen or in the
 * scrollback: only the pen (the SGR state) survives, and the SGR sequences replayed in order
 * recreate it.
 *
 * The tracker scans every chunk once, as it is written (a char loop, ~1 ns a char), and keeps for
 * the current run: its start, its line-feed count, the SGR sequences since the pen was last reset,
 * and a *mark* every 64 line feeds — a cut point right after a `\r\n`, with the count and the pen
 * there. Anything else (another escape sequence, a C0 or C1 control, a resize) ends the run; a
 * new one starts right after it and must be verified against the real parser state once the
 * mirror has parsed up to its start (`verify`), since the tracker does not parse OSC, DCS or
 * other strings and may start a run inside one.
 *
 * Escape sequences are read by the project's one tokenizer (`src/lib/terminal-text/
 * escape-tokenizer.ts`, xterm dialect, fed chunk by chunk); the tracker keeps only its own fast
 * scan of the plain text between them.
 */

import { EscapeTokenizer, type EscapeSink } from "../../lib/terminal-text/escape-tokenizer";

/** A cut point inside a plain run: right after a `\r\n`. */
export interface RunMark {
  /** Stream offset (chars) right after the `\n`. */
  offset: number;
  /** Line feeds of the run up to and including this one. */
  lfs: number;
  /** SGR sequences that recreate the pen at this point (replayed in order). */
  pen: string;
}

export interface PlainRun {
  /** Stream offset of the run's first char. */
  start: number;
  /** `pending` until the mirror has parsed up to `start` and checked its state there. */
  state: "pending" | "ok" | "dead";
  lfs: number;
  /** Line feeds that must follow a cut (set by `verify`). */
  keep: number;
  pen: string;
  marks: RunMark[];
}

/** A mark every this many line feeds: finer cuts skip a little more, at a little more bookkeeping. */
const MARK_EVERY_LFS = 64;
/**
 * Longest pen (SGR sequences since the last reset) a run may carry. Programs reset attributes
 * all the time; one that never does ends the run here rather than grow the replay.
 */
const MAX_PEN_CHARS = 4096;

/** A CSI sequence longer than this is not one of the plain ones. */
const MAX_SEQUENCE_CHARS = 64;

/** Controls that end a plain run (besides ESC, handled apart): C0 but `\t \n \r`, DEL, C1. */
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g;

const SGR = 0x6d; // m
const EL = 0x4b; // K
const CHA = 0x47; // G

export class PlainRunTracker {
  run: PlainRun = newRun(0);
  /** Escape-sequence state, carried over between chunks. */
  private readonly escapes = new EscapeTokenizer("xterm");
  /** Text of a possibly plain escape sequence begun in an earlier chunk. */
  private seqHead = "";
  /** While a sequence is read: where it starts in the chunk (0 when begun earlier), and the chunk's stream offset. */
  private seqStart = 0;
  private chunk = "";
  private offset = 0;
  /** What the tokenizer reports while a sequence is read (indexes are into `chunk`). */
  private readonly sink: EscapeSink = {
    csi: (final, _p0, _p1, _flagged, at, simple) => this.csi(final, at, simple),
    // `ESC 7`, `ESC M`…, a string, a designation or a cancelled sequence is not plain: the next run starts after it.
    escape: (_final, at) => this.startRun(this.offset + at + 1),
    end: (at) => this.startRun(this.offset + at + 1),
    // The sequence is not plain: the run ends before it.
    irregular: () => this.broken(),
    // Only `write` reports text (the tracker scans text itself); controls met inside a sequence come after `irregular`.
    text: () => undefined,
    control: () => undefined,
  };
  private prevCR = false;
  private lfsAtLastMark = 0;

  /**
   * Scans `chunk`, which starts at stream offset `offset` (chunks must be fed in order). Plain
   * text is crossed with native searches (line feeds, ESC, a regex for the other controls: a few
   * GB/s); only escape sequences are walked char by char.
   */
  feed(chunk: string, offset: number): void {
    const length = chunk.length;
    let pos = this.escapes.inSequence ? this.readSequence(chunk, 0, offset) : 0;
    let other = -1;
    while (pos < length) {
      if (other < pos) {
        OTHER_CONTROL.lastIndex = pos;
        other = OTHER_CONTROL.exec(chunk)?.index ?? length;
      }
      let esc = chunk.indexOf("\x1b", pos);
      if (esc < 0) esc = length;
      const stop = esc < other ? esc : other;
      if (stop > pos) this.lines(chunk, pos, stop, offset);
      if (stop >= length) break;
      if (stop === other) {
        // A control that is not plain: a new run may start right after it.
        this.prevCR = false;
        this.startRun(offset + stop + 1);
        pos = stop + 1;
        continue;
      }
      pos = this.readSequence(chunk, stop, offset);
    }
  }

  /** Plain text `chunk[from, to)`: counts its line feeds and sets marks after `\r\n`s. */
  private lines(chunk: string, from: number, to: number, offset: number): void {
    const run = this.run;
    let prevCR = this.prevCR;
    let at = chunk.indexOf("\n", from);
    while (at >= 0 && at < to) {
      run.lfs++;
      const crlf = at === from ? prevCR : chunk.charCodeAt(at - 1) === 0x0d;
      if (crlf && run.lfs - this.lfsAtLastMark >= MARK_EVERY_LFS && run.state !== "dead") {
        run.marks.push({ offset: offset + at + 1, lfs: run.lfs, pen: run.pen });
        this.lfsAtLastMark = run.lfs;
      }
      at = chunk.indexOf("\n", at + 1);
    }
    this.prevCR = chunk.charCodeAt(to - 1) === 0x0d;
  }

  /**
   * Reads an escape sequence from `chunk[from]` (an ESC, or the continuation of one begun in an
   * earlier chunk) until it ends, through the tokenizer's callbacks below; returns the index
   * after it (or the chunk's length).
   */
  private readSequence(chunk: string, from: number, offset: number): number {
    const escapes = this.escapes;
    this.seqStart = escapes.inSequence ? 0 : from;
    this.chunk = chunk;
    this.offset = offset;
    this.prevCR = false;
    const end = escapes.sequence(chunk, from, this.sink);
    if (escapes.pendingSimple) {
      // A sequence that may still turn out plain continues in the next chunk.
      this.seqHead += chunk.slice(this.seqStart, end);
      if (this.seqHead.length > MAX_SEQUENCE_CHARS) {
        this.broken();
        escapes.abandonSimple();
      }
    } else {
      this.seqHead = "";
    }
    this.chunk = "";
    return end;
  }

  /** A complete CSI. Plain: SGR (the pen), EL and CHA with parameter bytes only. */
  private csi(final: number, at: number, simple: boolean): void {
    if (simple && final === SGR) {
      const seq = this.seqHead + this.chunk.slice(this.seqStart, at + 1);
      this.seqHead = "";
      const run = this.run;
      if (isReset(seq)) run.pen = seq;
      else run.pen += seq;
      if (run.pen.length > MAX_PEN_CHARS) this.startRun(this.offset + at + 1);
    } else if (simple && (final === EL || final === CHA)) {
      this.seqHead = "";
    } else {
      // Not plain: the next run starts after it.
      this.seqHead = "";
      this.startRun(this.offset + at + 1);
    }
  }

  /** The run ends inside a sequence that is not plain; the next starts after that sequence. */
  private broken(): PlainRun {
    this.seqHead = "";
    this.prevCR = false;
    // A run that can never be verified stands in until the sequence ends.
    return this.startRun(Number.POSITIVE_INFINITY);
  }

  /** Something outside the output (a resize) ends the run at `offset`. */
  breakAt(offset: number): void {
    this.startRun(offset);
    this.prevCR = false;
  }

  /** The mirror parsed up to the run's start: whether its state there allows skipping. */
  verify(ok: boolean, keep: number): void {
    this.run.state = ok ? "ok" : "dead";
    this.run.keep = keep;
    if (!ok) this.run.marks = [];
  }

  /**
   * The furthest mark after `from` that is followed by at least `keep` line feeds of the run, if
   * any; it and the marks before it are forgotten (the caller skips up to it).
   */
  takeCut(from: number): RunMark | undefined {
    const run = this.run;
    if (run.state !== "ok") return undefined;
    const marks = run.marks;
    let index = marks.length - 1;
    while (index >= 0 && run.lfs - marks[index]!.lfs < run.keep) index--;
    if (index < 0 || marks[index]!.offset <= from) {
      // Marks at or before `from` can no longer be used.
      if (index >= 0) marks.splice(0, index + 1);
      return undefined;
    }
    const cut = marks[index]!;
    marks.splice(0, index + 1);
    return cut;
  }

  private startRun(start: number): PlainRun {
    this.run = newRun(start);
    this.lfsAtLastMark = 0;
    return this.run;
  }
}

function newRun(start: number): PlainRun {
  return { start, state: "pending", lfs: 0, keep: Infinity, pen: "", marks: [] };
}

/** `ESC[m`, `ESC[0m` and sequences starting with a reset (`ESC[0;32m`, `ESC[;1m`) replace the pen. */
function isReset(seq: string): boolean {
  // seq is ESC [ params m
  const first = seq.charCodeAt(2);
  if (first === 0x6d || first === 0x3b) return true; // "ESC[m", "ESC[;…"
  if (first !== 0x30) return false;
  let i = 3;
  while (seq.charCodeAt(i) === 0x30) i++;
  const next = seq.charCodeAt(i);
  return next === 0x6d || next === 0x3b; // "ESC[0m", "ESC[00;…"
}
