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
 */

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

const ESC = 0x1b;
/** Controls that end a plain run (besides ESC, handled apart): C0 but `\t \n \r`, DEL, C1. */
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g;

// Scanner states.
const GROUND = 0;
const AFTER_ESC = 1;
/** CSI with plain parameters so far (may still be SGR, EL or CHA). */
const IN_CSI = 2;
/** Any other CSI sequence, up to its final byte. */
const CSI_OTHER = 3;
/** ESC followed by intermediates (`ESC ( B`), up to its final byte. */
const ESC_INTERMEDIATE = 4;
/** OSC, DCS, APC, PM or SOS string, up to BEL or ST. */
const IN_STRING = 5;
/** ESC inside a string: `\\` ends it (ST); anything else starts a new sequence. */
const STRING_ESC = 6;

export class PlainRunTracker {
  run: PlainRun = newRun(0);
  /** Escape-sequence state carried over between chunks. */
  private esc = GROUND;
  /** Text of an escape sequence begun in an earlier chunk. */
  private seqHead = "";
  private prevCR = false;
  private lfsAtLastMark = 0;

  /**
   * Scans `chunk`, which starts at stream offset `offset` (chunks must be fed in order). Plain
   * text is crossed with native searches (line feeds, ESC, a regex for the other controls: a few
   * GB/s); only escape sequences are walked char by char.
   */
  feed(chunk: string, offset: number): void {
    const length = chunk.length;
    let pos = this.esc === GROUND ? 0 : this.escape(chunk, 0, offset);
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
      pos = this.escape(chunk, stop, offset);
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
   * Walks an escape sequence from `chunk[from]` (an ESC, or the continuation of one begun in an
   * earlier chunk) until it ends; returns the index after it (or the chunk's length).
   */
  private escape(chunk: string, from: number, offset: number): number {
    let esc = this.esc === GROUND ? AFTER_ESC : this.esc;
    const seqStart = this.esc === GROUND ? from : 0;
    let i = this.esc === GROUND ? from + 1 : from;
    this.prevCR = false;
    const length = chunk.length;
    for (; i < length && esc !== GROUND; i++) {
      const c = chunk.charCodeAt(i);
      switch (esc) {
        case AFTER_ESC:
          esc = c === 0x5b ? IN_CSI : this.afterEscape(c, offset + i);
          break;
        case IN_CSI:
          // Plain parameters, then one of the final bytes a plain run allows.
          if (c >= 0x30 && c <= 0x3b) break; // digits, `:` and `;`
          if (c === 0x6d) {
            esc = GROUND;
            const seq = this.seqHead + chunk.slice(seqStart, i + 1);
            this.seqHead = "";
            const run = this.run;
            if (isReset(seq)) run.pen = seq;
            else run.pen += seq;
            if (run.pen.length > MAX_PEN_CHARS) this.startRun(offset + i + 1);
          } else if (c === 0x4b || c === 0x47) {
            esc = GROUND;
            this.seqHead = "";
          } else {
            this.broken();
            esc = this.csiOther(c, offset + i);
          }
          break;
        case CSI_OTHER:
          esc = this.csiOther(c, offset + i);
          break;
        case ESC_INTERMEDIATE:
          if ((c >= 0x30 && c <= 0x7e) || c === 0x18 || c === 0x1a) {
            esc = GROUND;
            this.startRun(offset + i + 1);
          } else if (c === ESC) esc = AFTER_ESC;
          break;
        case IN_STRING:
          if (c === 0x07 || c === 0x18 || c === 0x1a) {
            esc = GROUND;
            this.startRun(offset + i + 1);
          } else if (c === ESC) esc = STRING_ESC;
          break;
        case STRING_ESC:
          if (c === 0x5c) {
            esc = GROUND;
            this.startRun(offset + i + 1);
          } else {
            // ESC ends the string and begins a new sequence.
            esc = c === 0x5b ? CSI_OTHER : this.afterEscape(c, offset + i);
          }
          break;
      }
    }
    if (esc === AFTER_ESC || esc === IN_CSI) {
      // A sequence that may still turn out plain continues in the next chunk.
      this.seqHead += chunk.slice(seqStart, i);
      if (this.seqHead.length > MAX_SEQUENCE_CHARS) {
        this.broken();
        esc = CSI_OTHER;
      }
    } else {
      this.seqHead = "";
    }
    this.esc = esc;
    return i;
  }

  /** The run ends inside a sequence that is not plain; the next starts after that sequence. */
  private broken(): PlainRun {
    this.seqHead = "";
    this.prevCR = false;
    // A run that can never be verified stands in until the sequence ends.
    return this.startRun(Number.POSITIVE_INFINITY);
  }

  /** The char `c` (at stream offset `at`) after an `ESC` that does not begin a CSI: not plain. */
  private afterEscape(c: number, at: number): number {
    this.broken();
    // OSC, DCS, SOS, PM, APC: strings up to BEL or ST.
    if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return IN_STRING;
    if (c >= 0x20 && c <= 0x2f) return ESC_INTERMEDIATE;
    if (c >= 0x30 && c <= 0x7e) {
      // A final byte: `ESC 7`, `ESC M`… is over.
      this.startRun(at + 1);
      return GROUND;
    }
    if (c === 0x18 || c === 0x1a) {
      this.startRun(at + 1);
      return GROUND;
    }
    // ESC again, or a control xterm executes while it waits for the rest: still after ESC.
    return AFTER_ESC;
  }

  /** Inside a CSI sequence that is not plain: parameters and intermediates go on until a final byte. */
  private csiOther(c: number, at: number): number {
    if (c >= 0x40 && c <= 0x7e) {
      this.startRun(at + 1);
      return GROUND;
    }
    if (c === ESC) return AFTER_ESC;
    if (c === 0x18 || c === 0x1a) {
      this.startRun(at + 1);
      return GROUND;
    }
    return CSI_OTHER;
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
