import type { ITheme, Terminal as Xterm } from "@xterm/xterm";
import { AckGate, type AckPolicy } from "@/lib/client/ack-gate";
import { pageEchoPriority, type EchoPriority } from "@/lib/client/echo-priority";
import { onThemeChange } from "@/lib/client/theme-client";
import { throttleLatest, type Throttled } from "@/lib/client/throttle";
import type { SessionState, Sizing } from "../contract/protocol";
import { FloodSkimmer } from "./flood-skimmer";
import { OutputFeeder } from "./output-feeder";
import { swallowTerminalQueries } from "./swallow-terminal-queries";
import { attachProbe } from "./terminal-probe";
import { TerminalRenderer } from "./terminal-renderer";
import { TerminalConnection, type ConnectionStatus } from "./terminal-connection";
import { resizeTerminal } from "../xterm-resize";

/**
 * One xterm in the page attached to a task's session: creates the terminal once its container is
 * in the page, connects it (TerminalConnection), holds keys typed while (re)connecting, proposes
 * the fitted size, passes rendered output through the ack gate, and resyncs a background view
 * that fell behind. Framework-free: TerminalView (src/components/terminal) is the React shell
 * that creates one per task and disposes it on unmount.
 */

/** "Last activity" needs second precision at most; output can arrive hundreds of times a second. */
export const ACTIVITY_THROTTLE_MS = 1_000;
/** Resizes settle before the size is proposed: dragging a window fires many observer callbacks. */
const RESIZE_DEBOUNCE_MS = 50;
/**
 * A visible background view behind for this long jumps to the current screen (a fresh attach).
 * On an overloaded page it waits longer (divided by the share): every jump costs the page too.
 */
const STALE_RESYNC_MS = 2_000;
const MAX_STALE_RESYNC_MS = 30_000;
/** Keys typed while (re)connecting are sent once live, up to this much (a paste, not a novel). */
const MAX_PENDING_INPUT_CHARS = 64 * 1024;
/**
 * A key typed while more than this waits to be handed to xterm drops it and resyncs (docs/flow-control.md,
 * "Keys first"): the echo then follows the current screen instead of that backlog. About what a
 * snapshot of a busy screen costs to draw, so the jump is never dearer than the backlog it skips.
 */
const CATCH_UP_QUEUED_BYTES = 128 * 1024;

export interface TerminalControllerEvents {
  /** When output last arrived; called at most once per ACTIVITY_THROTTLE_MS. */
  onActivity?(at: number): void;
  onStatus?(status: ConnectionStatus): void;
  onState?(state: SessionState): void;
  onExit?(exit: { exitCode: number | null; signal: string | null }): void;
  onError?(message: string): void;
  /** The PTY size, whether this view sets it, and what this view would fit (null before it can tell). */
  onSize?(info: TerminalSizeInfo): void;
  /**
   * Keys were just sent from this view (typed, pasted, or from the key bar): whoever sets its ack
   * policy lifts any background pacing now, before focus events settle.
   */
  onInput?(): void;
}

export interface TerminalSizeInfo {
  cols: number;
  rows: number;
  /** This view's fitted size is the one applied to the PTY. */
  owner: boolean;
  fit: { cols: number; rows: number } | null;
}

/** What a background view's stale check reads, once a second. */
export interface ViewVisibility {
  background: boolean;
  visible: boolean;
  /** This view's share of the page's capacity (BackgroundShare), 1 when the page keeps up. */
  share: number;
}

export interface TerminalControllerOptions {
  taskId: string;
  fontSize: number;
  scrollback: number;
  fontFamily: string;
  readTheme(): ITheme;
  /** The ack policy to start with; later changes go through `gate.setPolicy`. */
  initialPolicy: AckPolicy;
  /** Handlers; the view passes ones that call its latest props (a re-render never recreates the terminal). */
  events: TerminalControllerEvents;
  /** Whether anyone listens for activity now: without a listener, output starts no throttle timer. */
  wantsActivity(): boolean;
  visibility(): ViewVisibility;
  /** How this view's size counts now (read at each proposal: a tile that expands leads). */
  sizing(): Sizing;
  /**
   * A glance view (a Missions tile) that follows a wider PTY shrinks its font, down to this many
   * px, so that whole lines fit its width; undefined: keep the font and scroll sideways.
   */
  shrinkToFitMinFont?(): number | undefined;
  /**
   * Extras that work on the xterm itself (the search bar): called once it is open, and the returned
   * detach runs before it is disposed.
   */
  onTerminal?(term: Xterm): () => void;
  /** The page's echo priority (tests pass their own). */
  echoPriority?: EchoPriority;
}

/** Font sizes are whole or half pixels: finer steps only blur the glyphs. */
const FONT_STEP = 0.5;

export class TerminalController {
  /** Holds rendered output's acks back per the view's policy (background tiles). */
  readonly gate: AckGate;
  private term: Xterm | undefined;
  private conn: TerminalConnection | undefined;
  private observer: ResizeObserver | undefined;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private proposeSize: (take?: boolean) => void = () => undefined;
  private baseFontSize: number;
  private sizeInfo: TerminalSizeInfo = { cols: 0, rows: 0, owner: false, fit: null };
  private disposed = false;
  /** A deliberate re-attach (to catch up) keeps showing "Live": it is not a connection problem. */
  private resyncing = false;
  private pendingInput: string[] = [];
  private pendingChars = 0;
  private readonly offTheme: () => void;
  private readonly reportActivity: Throttled<number>;
  private readonly staleCheck: ReturnType<typeof setInterval>;
  private detachExtras: (() => void) | undefined;
  private detachProbe: (() => void) | undefined;
  private renderer: TerminalRenderer | undefined;
  /** Received output on its way into xterm, a bounded amount at a time (see OutputFeeder). */
  private feeder: OutputFeeder | undefined;
  /** Draws a flood this view cannot keep up with as a series of screens (see FloodSkimmer). */
  private skimmer: FloodSkimmer | undefined;
  private readonly priority: EchoPriority;
  private readonly offPriority: () => void;
  /** Counts keys sent: a frame that arrived after the latest one may carry its echo. */
  private keySeq = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: TerminalControllerOptions,
  ) {
    this.baseFontSize = options.fontSize;
    this.offTheme = onThemeChange(() => {
      if (this.term) this.term.options.theme = options.readTheme();
    });
    this.reportActivity = throttleLatest((at: number) => options.events.onActivity?.(at), ACTIVITY_THROTTLE_MS);
    this.gate = new AckGate(options.initialPolicy);
    this.priority = options.echoPriority ?? pageEchoPriority;
    this.offPriority = this.priority.onRelease(() => this.feeder?.pump());
    this.staleCheck = setInterval(() => {
      const { background, visible, share } = options.visibility();
      if (background && visible && this.gate.behindForMs() >= Math.min(MAX_STALE_RESYNC_MS, STALE_RESYNC_MS / share)) this.resync();
    }, 1_000);
    void this.open();
  }

  /** Reconnect now (after a Start, or when told a session started). */
  reconnect(): void {
    this.conn?.reconnect();
  }

  focus(): void {
    this.term?.focus();
  }

  /**
   * Bytes from an on-screen key (the phone key bar), through the same path as typed keys. The
   * caller picks the bytes for the terminal's modes (see `inputModes`).
   */
  sendKeys(data: string): void {
    if (data.length > 0) this.sendInput(data);
  }

  /** Text pasted from outside xterm: xterm wraps it in paste markers when the program asked for them. */
  paste(text: string): void {
    this.term?.paste(text);
  }

  /** The modes that change which bytes a key sends (as a real keyboard's would). */
  inputModes(): { applicationCursorKeys: boolean; bracketedPaste: boolean } {
    const modes = this.term?.modes;
    return { applicationCursorKeys: modes?.applicationCursorKeysMode ?? false, bracketedPaste: modes?.bracketedPasteMode ?? false };
  }

  /** A new font size changes how many cells fit: propose the new size (the server applies it). */
  setFontSize(fontSize: number): void {
    this.baseFontSize = fontSize;
    this.applyFont();
  }

  /**
   * The font: the view's own size, or smaller where a glance view follows a PTY wider than it
   * (`shrinkToFitMinFont`). Cell width is proportional to the font size, so one measurement of the
   * rendered screen's width gives the size at which its columns fit.
   */
  private applyFont(): void {
    const term = this.term;
    if (!term) return;
    let fontSize = this.baseFontSize;
    const min = this.options.shrinkToFitMinFont?.();
    const screen = term.element?.querySelector<HTMLElement>(".xterm-screen");
    const current = term.options.fontSize ?? fontSize;
    if (min !== undefined && screen && screen.offsetWidth > 0 && this.container.clientWidth > 0) {
      const perPx = screen.offsetWidth / current;
      const fitting = Math.floor(this.container.clientWidth / perPx / FONT_STEP) * FONT_STEP;
      fontSize = Math.max(min, Math.min(fontSize, fitting));
    }
    if (term.options.fontSize === fontSize) return;
    term.options.fontSize = fontSize;
    this.proposeSize();
  }

  /** Make the PTY this view's size (the view's "Fit to this view"), whatever the size policy says. */
  takeSize(): void {
    this.proposeSize(true);
  }

  /** The view's sizing changed (a tile expanded or collapsed): tell the server. */
  sizingChanged(): void {
    this.applyFont();
    this.proposeSize();
  }

  private updateSizeInfo(next: Partial<TerminalSizeInfo>): void {
    const info = { ...this.sizeInfo, ...next };
    const same = info.cols === this.sizeInfo.cols && info.rows === this.sizeInfo.rows && info.owner === this.sizeInfo.owner
      && info.fit?.cols === this.sizeInfo.fit?.cols && info.fit?.rows === this.sizeInfo.fit?.rows;
    const resized = info.cols !== this.sizeInfo.cols || info.rows !== this.sizeInfo.rows;
    this.sizeInfo = info;
    if (resized) this.applyFont();
    if (!same) this.options.events.onSize?.(info);
  }

  /** Drop what the gate holds and re-attach: the screen as it is now instead of the backlog. */
  resync(): void {
    if (!this.conn || this.resyncing) return;
    // What waits for xterm belongs to the connection being replaced: the new one starts with a snapshot.
    this.feeder?.drop();
    this.skimmer?.reset();
    this.gate.clear();
    this.resyncing = true;
    this.conn.reconnect();
  }

  dispose(): void {
    this.disposed = true;
    this.offTheme();
    this.offPriority();
    this.priority.release(this);
    this.feeder?.dispose();
    this.skimmer?.dispose();
    clearInterval(this.staleCheck);
    this.gate.dispose();
    this.reportActivity.cancel();
    clearTimeout(this.resizeTimer);
    this.observer?.disconnect();
    this.conn?.dispose();
    this.conn = undefined;
    this.proposeSize = () => undefined;
    this.detachExtras?.();
    this.detachExtras = undefined;
    this.detachProbe?.();
    this.detachProbe = undefined;
    this.renderer?.dispose();
    this.renderer = undefined;
    this.term?.dispose();
    this.term = undefined;
  }

  private readonly sendInput = (data: string): void => {
    if (this.conn?.currentStatus === "live") this.sendLive(data);
    else if (this.pendingChars + data.length <= MAX_PENDING_INPUT_CHARS) {
      this.pendingInput.push(data);
      this.pendingChars += data.length;
    }
  };

  /**
   * Keys first (docs/flow-control.md): a view far behind drops what it has not handed to xterm and
   * asks for a resync before the keys are written; the view's pacing is lifted after the keys went
   * out (the acks that follows then find the server already resyncing); and the page's other
   * terminals hold their feeding until this one painted what follows the keys.
   */
  private sendLive(data: string): void {
    const conn = this.conn!;
    // A skimming view skipped output: the keys go with a catch-up, their echo after the next screen.
    const skipped = this.skimmer?.stopForKeys() ?? false;
    const behind = skipped || (this.feeder?.queuedBytes ?? 0) >= CATCH_UP_QUEUED_BYTES || this.gate.behind;
    if (behind && conn.sendInput(data, true)) this.feeder?.drop();
    else conn.sendInput(data);
    this.options.events.onInput?.();
    this.keySeq += 1;
    this.priority.typed(this);
  }

  /** A frame that arrived after the latest key was parsed: once nothing else waits, it is painted in the next frame. */
  private afterKeyParsed(seq: number): void {
    if (seq !== this.keySeq || !this.priority.isAwaiting(this) || !this.feeder?.idle) return;
    // xterm asked for its render frame while parsing; this one runs after it.
    requestAnimationFrame(() => {
      if (seq === this.keySeq) this.priority.release(this);
    });
  }

  private async open(): Promise<void> {
    const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
    if (this.disposed) return;
    const { options, container, gate } = this;
    const term = new Terminal({
      fontSize: options.fontSize,
      fontFamily: options.fontFamily,
      cursorBlink: true,
      scrollback: options.scrollback,
      allowProposedApi: true,
      theme: options.readTheme(),
    });
    this.term = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    swallowTerminalQueries(term);
    term.open(container);
    const renderer = new TerminalRenderer(term, container);
    this.renderer = renderer;
    this.detachProbe = attachProbe(container, term, () => renderer.kind);
    this.detachExtras = options.onTerminal?.(term);
    const feeder = new OutputFeeder({ write: (data, parsed) => term.write(data, parsed) }, () => this.priority.mayFeed(this));
    this.feeder = feeder;
    const feed = (data: Uint8Array, done: () => void) => {
      const bytes = data.byteLength;
      const seq = this.priority.isAwaiting(this) ? this.keySeq : -1;
      feeder.push(data, () => {
        gate.pass(bytes, done);
        if (seq >= 0) this.afterKeyParsed(seq);
      });
    };
    const skimmer = new FloodSkimmer({
      requestSnapshot: () => this.conn?.requestSnapshot() ?? false,
      idle: () => feeder.idle,
      feed,
      discard: (bytes, done) => gate.pass(bytes, done),
      apply: (action) => feeder.after(action),
    });
    this.skimmer = skimmer;
    const conn = new TerminalConnection(
      options.taskId,
      {
        restore: (data, cols, rows, reason) => {
          skimmer.snapshot(reason, !options.visibility().background);
          // After what xterm already has (xterm's reset does not drop its pending writes).
          feeder.after(() => {
            term.reset();
            if (term.cols !== cols || term.rows !== rows) resizeTerminal(term, cols, rows);
            this.updateSizeInfo({ cols, rows });
          }, data);
        },
        write: (data, done) => {
          if (!skimmer.write(data, done)) feed(data, done);
          if (options.wantsActivity()) this.reportActivity(Date.now());
        },
        resize: (cols, rows, owner) => {
          // In order with the output: what came before was laid out at the old size.
          const apply = () => {
            if (term.cols !== cols || term.rows !== rows) resizeTerminal(term, cols, rows);
            this.updateSizeInfo({ cols, rows, owner });
          };
          if (!skimmer.hold(apply)) feeder.after(apply);
        },
      },
      {
        onStatus: (next) => {
          const reconnecting = next === "connecting" || next === "reconnecting";
          if (reconnecting) skimmer.reset();
          if (this.resyncing && reconnecting) return;
          this.resyncing = false;
          if (next === "live") {
            const queued = this.pendingInput;
            this.pendingInput = [];
            this.pendingChars = 0;
            for (const data of queued) this.conn?.sendInput(data);
            if (queued.length > 0) this.options.events.onInput?.();
          } else if (next === "idle" || next === "closed") {
            this.pendingInput = [];
            this.pendingChars = 0;
          }
          options.events.onStatus?.(next);
        },
        onState: (state) => options.events.onState?.(state),
        onExit: (exit) => options.events.onExit?.(exit),
        onError: (message) => options.events.onError?.(message),
      },
    );
    this.conn = conn;
    term.onData(this.sendInput);
    term.onBinary(this.sendInput);
    this.proposeSize = (take = false) => {
      const dims = fit.proposeDimensions();
      if (dims && Number.isFinite(dims.cols) && Number.isFinite(dims.rows) && dims.cols > 1 && dims.rows > 1) {
        const size = { cols: Math.floor(dims.cols), rows: Math.floor(dims.rows) };
        this.updateSizeInfo({ fit: size });
        this.conn?.sendSize(size.cols, size.rows, options.sizing(), take);
      }
    };
    this.observer = new ResizeObserver(() => {
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => {
        this.applyFont();
        this.proposeSize();
      }, RESIZE_DEBOUNCE_MS);
    });
    this.observer.observe(container);
    this.proposeSize();
    conn.connect();
  }
}
