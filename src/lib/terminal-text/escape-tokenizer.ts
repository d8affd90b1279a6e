/**
 * The one escape-sequence tokenizer of the project: splits terminal output into printable text,
 * C0 controls and escape sequences (CSI, `ESC final`, designations `ESC ( B`, and OSC / DCS /
 * SOS / PM / APC strings), and tells a sink about each. Incremental: its state carries over from
 * one chunk to the next, so a sequence may be split anywhere. Pure, no imports: browser-safe.
 *
 * Two users, one grammar, two recovery dialects (what to do with malformed or interrupted input):
 * - `"reader"` — `cleanTerminalText` (`ansi-clean.ts`, one whole string for a person or an agent):
 *   8-bit C1 introducers (`0x9B` CSI, `0x9D` OSC, …) start sequences; a string also ends at
 *   `0x9C` (ST) and, never terminated, at a line feed (so one malformed title cannot eat the rest
 *   of the output); a character that cannot continue a sequence (a control after `ESC`, a
 *   non-ASCII char in a CSI, anything but a final after `ESC (`) ends the sequence and is read
 *   again as ordinary output.
 * - `"xterm"` — `PlainRunTracker` (`src/terminal/host/plain-run-tracker.ts`, PTY output chunk by
 *   chunk, which must never disagree with the screen mirror's xterm parser about where a sequence
 *   ends in a way that loses output): like xterm, C0 controls inside `ESC`, CSI and designation
 *   sequences are executed and the sequence goes on, other bytes are swallowed up to a final byte;
 *   strings end only at BEL, ST (`ESC \`), CAN, SUB or an `ESC` that starts the next sequence;
 *   8-bit C1 bytes are reported as controls (the tracker then lets the mirror's real parser state
 *   decide) and never start a sequence.
 *
 * A CSI is *simple* while it holds only parameter bytes (digits, `;`, `:`) — the SGR, EL and CHA
 * sequences a plain flood is made of; the sink hears `irregular` the moment a sequence can no
 * longer be one (the tracker ends its plain run there).
 *
 * The tracker keeps its own scan of plain text (native `indexOf`/regex searches, a few GB/s on the
 * PTY's hot path) and hands only sequences to `sequence`; `write` is the whole scan, a char loop.
 */

const BEL = 0x07;
const LF = 0x0a;
const CAN = 0x18;
const SUB = 0x1a;
const ESC = 0x1b;
const DEL = 0x7f;
const C1_DCS = 0x90;
const C1_SOS = 0x98;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_OSC = 0x9d;
const C1_PM = 0x9e;
const C1_APC = 0x9f;

/** Numeric CSI parameters are capped here so digits cannot overflow into Infinity. */
const MAX_PARAM = 1_000_000;

// States.
const GROUND = 0;
/** After ESC. */
const ESCAPE = 1;
/** Inside a CSI (after `ESC [` or `0x9B`), up to its final byte. */
const CSI = 2;
/** `ESC` and intermediates (`ESC ( B`, `ESC # 8`), up to a final byte. */
const INTERMEDIATE = 3;
/** An OSC, DCS, SOS, PM or APC string, up to its terminator. */
const STRING = 4;
/** ESC inside a string: `\` ends it (ST); anything else ends it and begins a new sequence. */
const STRING_ESC = 5;

export type EscapeDialect = "reader" | "xterm";

/** Receives the pieces of terminal output in order. Indexes are into the chunk being scanned. */
export interface EscapeSink {
  /** Printable text `chunk[start, end)` (from `write` only: `sequence` never scans text). */
  text(chunk: string, start: number, end: number): void;
  /**
   * A C0 control other than ESC (`\n`, `\r`, `\b`, `\t`, BEL…) in ground state, or one executed
   * inside a sequence; in the xterm dialect also an 8-bit C1 control met by `write`. CAN and SUB
   * inside a sequence cancel it instead (`end`).
   */
  control(code: number): void;
  /**
   * A complete CSI whose final byte is `chunk[at]`; `p0`/`p1` are its first two parameters (0 when
   * absent), `flagged` says it has private (`?`, `>`…) or intermediate bytes, `simple` that it has
   * parameter bytes only.
   */
  csi(final: number, p0: number, p1: number, flagged: boolean, at: number, simple: boolean): void;
  /** A two-byte escape `ESC final` with `final` (`chunk[at]`) in 0x30–0x7E (e.g. `ESC 7`, `ESC M`). */
  escape(final: number, at: number): void;
  /** A sequence that dispatches nothing here ended with `chunk[at]`: a string's terminator, a designation's final, or CAN/SUB. */
  end?(at: number): void;
  /** The sequence in progress can no longer be a simple CSI, from `chunk[at]` on (once per sequence, until the next `ESC`). */
  irregular?(at: number): void;
}

export class EscapeTokenizer {
  private state = GROUND;
  private readonly reader: boolean;
  // The CSI being read.
  private p0 = 0;
  private p1 = 0;
  private index = 0;
  private value = 0;
  private flagged = false;
  private simple = true;

  constructor(dialect: EscapeDialect) {
    this.reader = dialect === "reader";
  }

  /** Inside a sequence begun in an earlier chunk (or earlier in this one). */
  get inSequence(): boolean {
    return this.state !== GROUND;
  }

  /** Inside a sequence that may still be a simple CSI: right after `ESC`, or in a CSI of parameter bytes only. */
  get pendingSimple(): boolean {
    return this.state === ESCAPE || (this.state === CSI && this.simple);
  }

  /** The sequence in progress is read on as a CSI that is not simple: it ends at the next final byte. */
  abandonSimple(): void {
    if (this.state === GROUND) return;
    this.state = CSI;
    this.simple = false;
  }

  /** Forgets a sequence left unfinished (the input ended inside it). */
  reset(): void {
    this.state = GROUND;
  }

  /** Scans `chunk` whole: text, controls and sequences, in order. */
  write(chunk: string, sink: EscapeSink): void {
    const n = chunk.length;
    let i = this.state === GROUND ? 0 : this.walk(chunk, 0, sink);
    let runStart = i;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if ((c >= 0x20 && c < DEL) || c > C1_APC) {
        i++;
        continue;
      }
      if (i > runStart) sink.text(chunk, runStart, i);
      if (c === ESC) {
        this.state = ESCAPE;
        i = this.walk(chunk, i + 1, sink);
      } else if (c >= 0x80) {
        i = this.c1(chunk, c, i, sink);
      } else {
        if (c !== DEL) sink.control(c);
        i++;
      }
      runStart = i;
    }
    if (runStart < n) sink.text(chunk, runStart, n);
  }

  /**
   * Reads one escape sequence: the one in progress, continued from `chunk[from]`, or else a new one
   * whose `ESC` is `chunk[from]`. Returns the index after it, or the chunk's length when the
   * sequence goes on in the next chunk. (In the reader dialect the index may point at a char that
   * ended the sequence without belonging to it: read it as ordinary output.)
   */
  sequence(chunk: string, from: number, sink: EscapeSink): number {
    if (this.state !== GROUND) return this.walk(chunk, from, sink);
    this.state = ESCAPE;
    return this.walk(chunk, from + 1, sink);
  }

  /** An 8-bit C1 byte at `chunk[i]` met in ground state; returns the index after what it began. */
  private c1(chunk: string, c: number, i: number, sink: EscapeSink): number {
    if (!this.reader) {
      sink.control(c);
      return i + 1;
    }
    switch (c) {
      case C1_CSI:
        this.startCsi();
        return this.walk(chunk, i + 1, sink);
      case C1_OSC:
      case C1_DCS:
      case C1_SOS:
      case C1_PM:
      case C1_APC:
        this.state = STRING;
        return this.walk(chunk, i + 1, sink);
      default:
        return i + 1; // other C1 controls carry nothing a reader needs
    }
  }

  private startCsi(): void {
    this.state = CSI;
    this.p0 = 0;
    this.p1 = 0;
    this.index = 0;
    this.value = 0;
    this.flagged = false;
    this.simple = true;
  }

  /** Walks the sequence in progress from `chunk[i]` until it ends; returns the index after it. */
  private walk(chunk: string, i: number, sink: EscapeSink): number {
    const n = chunk.length;
    const reader = this.reader;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case ESCAPE:
          if (c === 0x5b) {
            this.startCsi();
          } else if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) {
            // ] OSC, P DCS, X SOS, ^ PM, _ APC
            sink.irregular?.(i);
            this.state = STRING;
          } else if (c >= 0x20 && c <= 0x2f) {
            sink.irregular?.(i);
            this.state = INTERMEDIATE;
          } else if (c >= 0x30 && c <= 0x7e) {
            this.state = GROUND;
            sink.escape(c, i);
            return i + 1;
          } else if (reader) {
            // ESC before a control or non-ASCII: the ESC alone is dropped (a second ESC begins anew).
            if (c === ESC) break;
            this.state = GROUND;
            return i;
          } else if (c === CAN || c === SUB) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          } else {
            // xterm executes a control here and still waits for the rest; ESC begins anew; DEL
            // and other bytes are ignored. None of it is a simple CSI.
            sink.irregular?.(i);
            if (c < 0x20 && c !== ESC) sink.control(c);
          }
          break;

        case CSI:
          if (c >= 0x30 && c <= 0x39) {
            this.value = Math.min(this.value * 10 + (c - 0x30), MAX_PARAM);
            break;
          }
          if (c === 0x3b || c === 0x3a) {
            if (this.index === 0) this.p0 = this.value;
            else if (this.index === 1) this.p1 = this.value;
            this.index++;
            this.value = 0;
            break;
          }
          if (c >= 0x40 && c <= 0x7e) {
            if (this.index === 0) this.p0 = this.value;
            else if (this.index === 1) this.p1 = this.value;
            this.state = GROUND;
            sink.csi(c, this.p0, this.p1, this.flagged, i, this.simple);
            return i + 1;
          }
          if (c === ESC) {
            // A new sequence interrupts this one.
            if (this.simple) sink.irregular?.(i);
            this.state = ESCAPE;
            break;
          }
          if (c === CAN || c === SUB) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          }
          if ((c >= 0x3c && c <= 0x3f) || (c >= 0x20 && c <= 0x2f)) {
            this.flagged = true; // private (`?25l`, `>c`…) or intermediate bytes
          } else if (c < 0x20) {
            sink.control(c); // terminals execute C0 controls met inside a sequence
          } else if (c !== DEL && reader) {
            // Non-ASCII: malformed; drop what we had and keep the character as output.
            this.state = GROUND;
            return i;
          }
          if (this.simple) {
            this.simple = false;
            sink.irregular?.(i);
          }
          break;

        case INTERMEDIATE:
          if (c >= 0x20 && c <= 0x2f) break;
          if (c >= 0x30 && c <= 0x7e) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          }
          if (reader) {
            this.state = GROUND;
            return i;
          }
          if (c === CAN || c === SUB) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          }
          if (c === ESC) this.state = ESCAPE;
          else if (c < 0x20) sink.control(c);
          break;

        case STRING:
          if (c === BEL || c === CAN || c === SUB || (reader && c === C1_ST)) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          }
          if (c === ESC) this.state = STRING_ESC;
          else if (reader && c === LF) {
            // Never terminated: give the rest of the output back.
            this.state = GROUND;
            return i;
          }
          break;

        case STRING_ESC:
          if (c === 0x5c) {
            this.state = GROUND;
            sink.end?.(i);
            return i + 1;
          }
          if (!reader && c === 0x5b) {
            // The ESC ended the string and begins a CSI, taken as not simple (the tracker waits for its end).
            this.startCsi();
            this.simple = false;
            break;
          }
          // The ESC ended the string and begins a new sequence: read `c` as the char after it.
          this.state = ESCAPE;
          i--;
          break;
      }
    }
    return n;
  }
}
