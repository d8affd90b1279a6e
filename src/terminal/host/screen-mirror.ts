import headless from "@xterm/headless";
import serializePackage from "@xterm/addon-serialize";
import type { Terminal as HeadlessTerminal } from "@xterm/headless";
import { resizeTerminal } from "../xterm-resize";
import { PlainRunTracker } from "./plain-run-tracker";

// Both packages are CommonJS bundles without an `exports` map: Node's ESM loader (tsx) and vitest
// only expose their `module.exports` as the default export, so named imports fail at run time.
const { Terminal } = headless;
const { SerializeAddon } = serializePackage;

/** Pause the PTY above this many unparsed chars: ~15–50 ms of parsing, far below xterm's 50 MB discard point. */
export const MIRROR_HIGH_WATERMARK = 1_000_000;
/** Resume once back under this: enough queued to keep the parser busy while the PTY refills. */
export const MIRROR_LOW_WATERMARK = 100_000;
/** Most chars handed to xterm at once; the rest waits here, so xterm never reaches its 50 MB throw. */
const XTERM_IN_FLIGHT_LIMIT = 4_000_000;
/** Larger writes are fed in slices so one huge string cannot block the event loop for seconds. */
const XTERM_WRITE_SLICE = 256 * 1024;
/** Scrollback sent to a late viewer: at 120 coloured cols ~230 kB, ~17 ms to serialize (10k lines froze tabs). */
export const MIRROR_SERIALIZE_SCROLLBACK_LINES = 1000;
/** Upper bound of a serialized snapshot (~1 MB), whatever the width or colourfulness of the lines. */
export const MIRROR_SERIALIZE_MAX_CHARS = 1_000_000;
/**
 * Fast-forward mode: plain output kept back unparsed, at most, while nobody needs the screen
 * (a whenIdle caller makes it parse at once). Well under MIRROR_HIGH_WATERMARK, so holding it
 * never pauses the PTY; ~10 ms of parsing when a snapshot is asked for.
 */
export const MIRROR_RETAIN_CHARS = 512 * 1024;
/** Line feeds beyond 2 × rows + scrollback that must follow a skipped stretch (safety margin). */
const FAST_FORWARD_MARGIN_LFS = 16;

export type SnapshotViewMode = "full" | "last_line" | "last_n_lines" | "cursor_area";
export const SNAPSHOT_VIEW_MODES: readonly SnapshotViewMode[] = ["full", "last_line", "last_n_lines", "cursor_area"];

export interface ScreenMirrorOptions {
  cols: number;
  rows: number;
  /** Lines of scrollback the mirror keeps (memory ≈ lines × (cols × 12 B + 390 B)). */
  scrollback: number;
  /** Replies to terminal queries (cursor position, device attributes…), to be written to the PTY. */
  onReply?: (data: string) => void;
  /**
   * Colours to report for OSC 10/11/12 queries (`#rrggbb`). xterm's headless build has no theme
   * and leaves these queries unanswered; give the browser theme's colours so that programs
   * choosing a light or dark palette see what the person sees.
   */
  replyColors?: { foreground: string; background: string; cursor?: string };
  /** Where errors thrown by listeners go; they must not escape into xterm's parse loop. */
  onError?: (error: unknown) => void;
  /**
   * Skip parsing plain output that can no longer show on the screen or in the scrollback (see
   * the class comment). The result is the same screen, scrollback and state; what changes is the
   * cost of a flood (the last 2 × rows + scrollback lines of it are parsed, not all of it) and
   * when plain output is parsed: lazily, once someone asks (`whenIdle`), something other than
   * plain output follows, or more than MIRROR_RETAIN_CHARS of it waits. Default false.
   */
  fastForward?: boolean;
}

export interface SnapshotOptions {
  /** Rows for `last_n_lines`, 1–200 (clamped), default 10. */
  nLines?: number;
  /** Rows above and below the cursor for `cursor_area`, 1–20 (clamped), default 3. */
  contextLines?: number;
}

/**
 * What a person sees on the screen. Coordinates are 0-based and relative to the visible screen
 * (row 0 is the top row, whatever the scrollback holds).
 */
export interface ScreenSnapshot {
  viewMode: SnapshotViewMode;
  /** Plain text of the selected rows, trailing spaces trimmed. */
  lines: string[];
  /** Screen row of `lines[0]` (for `last_line` with no non-empty row: the cursor row). */
  startRow: number;
  cursor: { row: number; col: number };
  cursorVisible: boolean;
  size: { cols: number; rows: number };
  /** True while a full-screen program (vi, less, top…) has switched to the alternate screen. */
  alternateScreen: boolean;
}

export interface SerializeOptions {
  /** Scrollback lines above the screen to include, default `MIRROR_SERIALIZE_SCROLLBACK_LINES`. */
  scrollbackLines?: number;
  /** Fewer scrollback lines are included until the result fits, default `MIRROR_SERIALIZE_MAX_CHARS`. */
  maxChars?: number;
}

/** A stretch of plain output skipped: `replay` (its pen, then line feeds) stands in for `chars` chars. */
interface SkipItem {
  skip: number;
  replay: string;
}
type PendingItem = string | { cols: number; rows: number } | SkipItem;

/**
 * A server-side terminal emulator mirroring one PTY's screen: it restores late viewers
 * (`serialize`), shows agents what a person sees (`snapshot`) and answers terminal queries when
 * no browser is attached (`onReply`).
 *
 * Flow control: `write` returns false once more than `MIRROR_HIGH_WATERMARK` chars wait to be
 * parsed; pause the PTY then and resume on `onDrain` (fired once the backlog is down to
 * `MIRROR_LOW_WATERMARK`). Nothing written is ever dropped: beyond a limit the mirror holds the
 * data itself instead of tripping xterm's 50 MB discard. Memory is only bounded if the caller
 * honours the watermark.
 *
 * Fast-forward (option `fastForward`): a flood of plain log output (text, `\r\n`, colours) costs
 * the mirror as much as everything else in the server together, yet only its last screenful and
 * scrollback can ever be seen. In this mode the mirror keeps plain output back instead of parsing
 * it as it comes (`PlainRunTracker` finds it), and once a plain stretch is followed by 2 × rows +
 * scrollback + 16 more line feeds of plain output it drops the stretch and parses in its place
 * only its pen (the SGR sequences, replayed in order) and `rows` line feeds. This is exact: from
 * the parser's ground state, on the normal screen with a full-screen scroll region (checked on
 * the real parser when the mirror reaches the stretch), plain output only writes the current line
 * and moves down, so after that many line feeds every row it touched has scrolled past the
 * scrollback in both cases, and the cursor (bottom row, column 0 after a `\r\n`), the pen, the
 * modes and the parser state are the same. Terminal queries are not plain: they end a stretch and
 * are parsed (and answered) in order, as soon as they arrive.
 */
export class ScreenMirror {
  private readonly terminal: HeadlessTerminal;
  private readonly serializer = new SerializeAddon();
  private readonly onReply: ((data: string) => void) | undefined;
  private readonly onError: (error: unknown) => void;
  private readonly drainListeners = new Set<() => void>();
  private readonly idleCallbacks: Array<() => void> = [];
  /** Items not yet handed to xterm, in stream order. */
  private readonly held: PendingItem[] = [];
  private written = 0;
  private parsed = 0;
  private inFlight = 0;
  /** Resizes queued or in flight: idle also waits for them, so a snapshot has the right size. */
  private pendingResizes = 0;
  private drainArmed = false;
  private disposed = false;
  /** Stream offset (chars) of the start of `held[0]`: everything before it was handed to xterm or skipped. */
  private heldOffset = 0;
  /** Last char handed to xterm (a dangling high surrogate forbids skipping right after it). */
  private lastHandedCode = 0;
  private readonly runs: PlainRunTracker | undefined;
  private readonly scrollback: number;
  private skipped = 0;
  /** Skipped chars whose stand-in xterm has not parsed yet: pending, but costing neither memory nor time. */
  private skipPending = 0;

  constructor(options: ScreenMirrorOptions) {
    this.onReply = options.onReply;
    this.onError = options.onError ?? ((error) => console.error("screen-mirror listener failed", error));
    this.terminal = new Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: options.scrollback,
      // In the headless build even `terminal.buffer` (snapshots, the serialize addon) is proposed API.
      allowProposedApi: true,
      logLevel: "warn",
    });
    this.terminal.loadAddon(this.serializer);
    // xterm emits replies synchronously while parsing, so they keep the order of the queries.
    this.terminal.onData((data) => this.safely(() => this.onReply?.(data)));
    if (options.replyColors) this.answerColorQueries(options.replyColors);
    this.scrollback = options.scrollback;
    if (options.fastForward) this.runs = new PlainRunTracker();
  }

  /** Chars passed to `write` so far: the mirror's position in the output stream. */
  get writtenChars(): number {
    return this.written;
  }

  /** Chars parsed so far; the screen reflects exactly this prefix of the stream. */
  get parsedChars(): number {
    return this.parsed;
  }

  /** Chars fast-forward mode skipped instead of parsing (they count as parsed). */
  get skippedChars(): number {
    return this.skipped;
  }

  /** Chars written but not yet parsed. */
  get pendingChars(): number {
    return this.written - this.parsed;
  }

  /** What the watermarks count: pending chars still to be parsed (skipped ones are not). */
  private get backlog(): number {
    return this.written - this.parsed - this.skipPending;
  }

  get cols(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  /**
   * Feeds PTY output. Returns false when the caller should pause the source until `onDrain`
   * (like a Node stream's `write`); data is accepted either way.
   */
  write(data: string): boolean {
    if (this.disposed) return true;
    if (data.length > 0) {
      this.runs?.feed(data, this.written);
      this.written += data.length;
      this.held.push(data);
      if (this.runs) this.fastForward();
      this.pump();
      if (this.backlog > MIRROR_HIGH_WATERMARK) this.drainArmed = true;
    }
    return !this.drainArmed;
  }

  /**
   * Listens for the backlog falling to `MIRROR_LOW_WATERMARK` after `write` returned false.
   * Returns an unsubscribe function.
   */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /**
   * Calls back at a moment when every char written so far is parsed and every resize applied:
   * `parsedChars === writtenChars` holds inside the callback, so a `serialize()` or `snapshot()`
   * taken there is the screen at exactly stream offset `writtenChars` — send it, then every chunk
   * written after it, and a viewer gets no gap and no duplicate.
   *
   * The callback runs synchronously: at once if nothing is pending, otherwise inside the xterm
   * write callback of the last pending chunk (before any later timer or I/O callback can write
   * more). Callbacks run in request order; if one writes, the rest wait for the next idle moment.
   * While output keeps streaming faster than xterm parses, idle may not come: pause the PTY
   * while waiting (as for the high watermark) and resume in the callback.
   */
  whenIdle(callback: () => void): void {
    if (this.disposed) return;
    this.idleCallbacks.push(callback);
    this.runIdleCallbacks();
    // Fast-forward mode keeps plain output back: someone needs the screen now.
    if (this.idleCallbacks.length > 0) this.pump();
  }

  /**
   * Resizes in stream order: output written before this call is laid out at the old size, later
   * output at the new one, and the size shown by `snapshot` changes once the earlier output is
   * parsed. Viewers should likewise apply a resize in order with the output.
   */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.runs?.breakAt(this.written);
    this.pendingResizes++;
    this.held.push({ cols, rows });
    this.pump();
  }

  /**
   * The screen and up to `scrollbackLines` lines of scrollback as a string of escape sequences
   * that recreates them when written into a reset terminal of the same size: text, colours and
   * attributes, wrapped lines, the cursor position, the alternate screen (with the normal screen
   * kept underneath) and these modes: application cursor keys and keypad, bracketed paste,
   * insert, origin, reverse wraparound, focus reporting, autowrap, mouse tracking (from the addon)
   * plus, added here, mouse encoding (SGR), cursor visibility and style, the scroll region and an
   * unfinished synchronized-output frame. The screen itself is kept even if it exceeds `maxChars`.
   * Not restored: window title, character sets (line drawing set by `ESC(0`), tab stops, the
   * cursor saved by DECSC, colours redefined by OSC 4/10/11, the normal screen's scroll region
   * while the alternate screen is active.
   *
   * It reflects parsed output only; call it from `whenIdle` to match a stream offset.
   */
  serialize(options: SerializeOptions = {}): string {
    if (this.disposed) return "";
    const maxChars = options.maxChars ?? MIRROR_SERIALIZE_MAX_CHARS;
    const available = this.terminal.buffer.normal.baseY;
    let scrollback = Math.max(0, Math.min(options.scrollbackLines ?? MIRROR_SERIALIZE_SCROLLBACK_LINES, available));
    const extra = this.serializeExtraState();
    const screenOnly = this.serializer.serialize({ scrollback: 0 }) + extra;
    if (scrollback === 0 || screenOnly.length > maxChars) return screenOnly;
    // Guess the scrollback that fits from the screen's chars per row, so that colourful wide
    // output is not serialized in full first only to be thrown away (it costs ~1.5 ms per 100 kB).
    const charsPerRow = Math.max(1, screenOnly.length / this.terminal.rows);
    scrollback = Math.min(scrollback, Math.floor(((maxChars - screenOnly.length) / charsPerRow) * 0.9));
    for (;;) {
      if (scrollback <= 0) return screenOnly;
      const content = this.serializer.serialize({ scrollback }) + extra;
      if (content.length <= maxChars) return content;
      // The scrollback is denser than the screen: shrink in proportion to the overshoot.
      scrollback = Math.floor(scrollback * (maxChars / content.length) * 0.9);
    }
  }

  /**
   * The visible screen of the active buffer as plain text.
   * - `full`: every row of the screen (`lines.length === rows`).
   * - `last_line`: the last non-empty row at or above the cursor row (none: `lines` is empty).
   * - `last_n_lines`: the `nLines` rows ending at the cursor row or at the last non-empty row,
   *   whichever is further down — blank rows below both are left out.
   * - `cursor_area`: `contextLines` rows above and below the cursor row, and the cursor row.
   * After `dispose`: no lines, cursor at 0,0.
   */
  snapshot(viewMode: SnapshotViewMode, options: SnapshotOptions = {}): ScreenSnapshot {
    const size = { cols: this.terminal.cols, rows: this.terminal.rows };
    if (this.disposed) {
      return { viewMode, lines: [], startRow: 0, cursor: { row: 0, col: 0 }, cursorVisible: false, size, alternateScreen: false };
    }
    const buffer = this.terminal.buffer.active;
    const cursor = { row: buffer.cursorY, col: Math.min(buffer.cursorX, size.cols - 1) };
    const base = {
      viewMode,
      cursor,
      cursorVisible: !this.internals()?.coreService?.isCursorHidden,
      size,
      alternateScreen: buffer.type === "alternate",
    };

    const screen: string[] = [];
    for (let row = 0; row < size.rows; row++) {
      // Cells past `cols` can linger on a line after a shrink; written spaces count as content.
      const text = buffer.getLine(buffer.baseY + row)?.translateToString(true, 0, size.cols) ?? "";
      screen.push(text.replace(/ +$/, ""));
    }
    const rowsFrom = (start: number, end: number) => {
      const first = Math.max(0, start);
      return { lines: screen.slice(first, Math.min(size.rows - 1, end) + 1), startRow: first };
    };

    switch (viewMode) {
      case "full":
        return { ...base, lines: screen, startRow: 0 };
      case "last_line": {
        const row = screen.findLastIndex((line, index) => index <= cursor.row && line.length > 0);
        return row < 0 ? { ...base, lines: [], startRow: cursor.row } : { ...base, ...rowsFrom(row, row) };
      }
      case "last_n_lines": {
        const n = clamp(options.nLines ?? 10, 1, 200);
        const end = Math.max(cursor.row, screen.findLastIndex((line) => line.length > 0));
        return { ...base, ...rowsFrom(end - n + 1, end) };
      }
      case "cursor_area": {
        const context = clamp(options.contextLines ?? 3, 1, 20);
        return { ...base, ...rowsFrom(cursor.row - context, cursor.row + context) };
      }
    }
  }

  /** Idempotent. Afterwards `write` and `resize` do nothing and `serialize` returns "". */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.held.length = 0;
    this.idleCallbacks.length = 0;
    this.drainListeners.clear();
    this.terminal.dispose();
  }

  /**
   * xterm's reflow to fewer columns spreads every new row of a wrapped line into one call, and a
   * long line without a newline (1 MB printed at 120 columns, then a viewer resizes to 1 column)
   * overflows the call stack (@xterm/headless 6.0.0, Buffer._reflowSmaller). Thrown from a write
   * callback that would end the server. The mirror then starts over at the new size: losing the
   * old screen beats losing every session. Found by the hostile-input suite.
   */
  private applyResize(cols: number, rows: number): void {
    try {
      resizeTerminal(this.terminal, cols, rows);
    } catch {
      this.terminal.reset();
      this.terminal.resize(cols, rows);
    }
  }

  /**
   * Hands held items to xterm in stream order while fewer than `XTERM_IN_FLIGHT_LIMIT` chars are
   * in flight — in fast-forward mode only up to `handLimit()`.
   */
  private pump(): void {
    while (this.held.length > 0 && this.inFlight < XTERM_IN_FLIGHT_LIMIT) {
      const item = this.held[0]!;
      if (typeof item !== "string") {
        // A stand-in is kept back with the output it precedes: later skips merge into it, so a
        // flood costs xterm one stand-in per snapshot or run end, not one per batch.
        if ("skip" in item && this.heldOffset >= this.handLimit()) return;
        this.held.shift();
        if ("skip" in item) {
          // The skipped stretch counts as parsed once its stand-in is.
          this.heldOffset += item.skip;
          this.inFlight += item.replay.length;
          this.terminal.write(item.replay, () => this.onParsed(item.replay.length, item.skip, true));
          continue;
        }
        // An empty write keeps the resize in stream order behind the chunks already in flight.
        this.terminal.write("", () => {
          if (this.disposed) return;
          this.pendingResizes--;
          this.applyResize(item.cols, item.rows);
          if (this.runs) this.pump();
          this.runIdleCallbacks();
        });
        continue;
      }
      if (this.runs?.run.state === "pending" && this.heldOffset === this.runs.run.start) {
        // Verifying may fast-forward, which changes `held`: look at its head again.
        if (this.verifyRun()) continue;
      }
      const room = this.handLimit() - this.heldOffset;
      if (room <= 0) return;
      const size = Math.min(item.length, XTERM_WRITE_SLICE, room);
      let slice = item;
      if (size < item.length) {
        slice = item.slice(0, size);
        this.held[0] = item.slice(size);
      } else {
        this.held.shift();
      }
      this.heldOffset += size;
      this.inFlight += size;
      this.lastHandedCode = slice.charCodeAt(size - 1);
      this.terminal.write(slice, () => this.onParsed(size, size, false));
    }
  }

  /**
   * Stream offset up to which held output may go to xterm now. Without fast-forward: all of it.
   * With it: up to the start of an unverified plain run (verified once xterm has parsed up to
   * there), and of a verified one only what exceeds MIRROR_RETAIN_CHARS — unless someone waits
   * for the screen.
   */
  private handLimit(): number {
    const run = this.runs?.run;
    if (!run || run.state === "dead") return Infinity;
    if (run.state === "pending") return run.start;
    if (this.idleCallbacks.length > 0) return Infinity;
    return Math.max(run.start, this.written - MIRROR_RETAIN_CHARS);
  }

  /** At the start of a plain run, with nothing in flight: may the mirror skip within it? False: not yet decided. */
  private verifyRun(): boolean {
    const runs = this.runs!;
    if (this.inFlight > 0 || this.pendingResizes > 0) return false;
    const core = this.internals() as (XtermCore & { _inputHandler?: { _parser?: { currentState?: number } } }) | undefined;
    const rows = this.terminal.rows;
    const ok =
      core?._inputHandler?._parser?.currentState === 0 &&
      this.terminal.buffer.active.type === "normal" &&
      core.buffer?.scrollTop === 0 &&
      core.buffer?.scrollBottom === rows - 1 &&
      !(this.lastHandedCode >= 0xd800 && this.lastHandedCode <= 0xdbff);
    runs.verify(ok, 2 * rows + this.scrollback + FAST_FORWARD_MARGIN_LFS);
    if (ok) this.fastForward();
    return true;
  }

  /** Drops held plain output that is followed by enough plain line feeds (see the class comment). */
  private fastForward(): void {
    const runs = this.runs!;
    if (runs.run.state !== "ok") return;
    // Held output begins after any stand-ins already queued at its head.
    let index = 0;
    let from = this.heldOffset;
    while (index < this.held.length) {
      const item = this.held[index]!;
      if (typeof item === "string" || !("skip" in item)) break;
      from += item.skip;
      index++;
    }
    if (from < runs.run.start) return;
    const cut = runs.takeCut(from);
    if (!cut) return;
    let drop = cut.offset - from;
    while (drop > 0) {
      const item = this.held[index] as string;
      if (item.length <= drop) {
        this.held.splice(index, 1);
        drop -= item.length;
      } else {
        this.held[index] = item.slice(drop);
        drop = 0;
      }
    }
    // The pen, then enough line feeds to put the cursor on the bottom row, at column 0.
    const replay = `${cut.pen}\r${"\n".repeat(this.terminal.rows)}`;
    const previous = index > 0 ? (this.held[index - 1] as SkipItem) : undefined;
    this.skipped += cut.offset - from;
    this.skipPending += cut.offset - from;
    if (previous) {
      previous.skip += cut.offset - from;
      previous.replay = replay;
    } else {
      this.held.splice(index, 0, { skip: cut.offset - from, replay });
    }
  }

  /** xterm's write callback: runs synchronously right after the chunk is parsed. */
  private onParsed(handed: number, chars: number, skip: boolean): void {
    if (this.disposed) return;
    this.inFlight -= handed;
    this.parsed += chars;
    if (skip) this.skipPending -= chars;
    this.pump();
    if (this.drainArmed && this.backlog <= MIRROR_LOW_WATERMARK) {
      this.drainArmed = false;
      for (const listener of [...this.drainListeners]) this.safely(listener);
    }
    this.runIdleCallbacks();
  }

  private runIdleCallbacks(): void {
    while (this.idleCallbacks.length > 0 && this.pendingChars === 0 && this.pendingResizes === 0 && !this.disposed) {
      const callback = this.idleCallbacks.shift()!;
      this.safely(callback);
    }
  }

  /** State the serialize addon leaves out, read from xterm internals (skipped if they change). */
  private serializeExtraState(): string {
    const core = this.internals();
    if (!core) return "";
    let out = "";
    const encoding = core.coreMouseService?.activeEncoding;
    if (encoding && encoding in MOUSE_ENCODING_MODES) out += MOUSE_ENCODING_MODES[encoding];

    const modes = core.coreService?.decPrivateModes;
    const style = modes?.cursorStyle;
    if (style && style in CURSOR_STYLE_CODES) {
      // DECSCUSR: odd codes blink, even codes are steady.
      out += `\x1b[${CURSOR_STYLE_CODES[style]! + (modes?.cursorBlink ? 0 : 1)} q`;
    }
    if (core.coreService?.isCursorHidden) out += "\x1b[?25l";

    const top = core.buffer?.scrollTop;
    const bottom = core.buffer?.scrollBottom;
    const originMode = this.terminal.modes.originMode;
    const hasRegion = typeof top === "number" && typeof bottom === "number" && (top !== 0 || bottom !== this.terminal.rows - 1);
    // DECSTBM and the addon's DECOM both home the cursor: put it back (in origin mode CUP counts
    // rows from the top margin).
    if (typeof top === "number" && typeof bottom === "number" && (hasRegion || originMode)) {
      const buffer = this.terminal.buffer.active;
      const row = buffer.cursorY - (originMode ? top : 0);
      out += `\x1b[${top + 1};${bottom + 1}r\x1b[${row + 1};${buffer.cursorX + 1}H`;
    }
    // Mid-frame: let the viewer hold rendering until the program ends the frame.
    if (modes?.synchronizedOutput) out += "\x1b[?2026h";
    return out;
  }

  private answerColorQueries(colors: NonNullable<ScreenMirrorOptions["replyColors"]>): void {
    const bySlot: Record<number, string | undefined> = { 10: colors.foreground, 11: colors.background, 12: colors.cursor };
    for (const ident of [10, 11, 12]) {
      this.terminal.parser.registerOscHandler(ident, (data) => {
        // `OSC 10;?;?` queries 10 and 11 in turn; anything but queries (a colour being set) is left to xterm.
        const parts = data.split(";");
        if (!parts.every((part) => part === "?")) return false;
        parts.forEach((_, index) => {
          const rgb = toXtermRgb(bySlot[ident + index]);
          if (rgb) this.safely(() => this.onReply?.(`\x1b]${ident + index};${rgb}\x1b\\`));
        });
        return true;
      });
    }
  }

  private internals(): XtermCore | undefined {
    if (this.disposed) return undefined;
    return (this.terminal as unknown as { _core?: XtermCore })._core;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      // A throw inside xterm's write callback would stall its parse loop for good.
      this.onError(error);
    }
  }
}

/** The few xterm internals read by `serializeExtraState`; every field is optional on purpose. */
interface XtermCore {
  buffer?: { scrollTop?: number; scrollBottom?: number };
  coreService?: {
    isCursorHidden?: boolean;
    decPrivateModes?: { cursorStyle?: string; cursorBlink?: boolean; synchronizedOutput?: boolean };
  };
  coreMouseService?: { activeEncoding?: string };
}

const MOUSE_ENCODING_MODES: Record<string, string> = { SGR: "\x1b[?1006h", SGR_PIXELS: "\x1b[?1016h" };
/** DECSCUSR blinking codes; the steady variant is the next number. */
const CURSOR_STYLE_CODES: Record<string, number> = { block: 1, underline: 3, bar: 5 };

/** `#rrggbb` → `rgb:rrrr/gggg/bbbb`, the 16-bit form xterm.js uses in its own reports. */
function toXtermRgb(hex: string | undefined): string | undefined {
  const match = hex && /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return undefined;
  return `rgb:${match.slice(1, 4).map((channel) => channel.toLowerCase().repeat(2)).join("/")}`;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;
}
