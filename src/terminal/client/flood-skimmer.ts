import { SKIM_INTERVAL_MS, VIEWER_HIGH_WATERMARK } from "../contract/flow-control";

/**
 * Skimming a flood (docs/flow-control.md): a view in front that fell out of the server's ring
 * cannot draw what the program prints, and parsing the stream it is sent only to be resynced
 * again keeps the page busy — a core that the program, the terminal host and the app server
 * need. While the flood lasts, such a view draws the screen as it is now, SKIM_INTERVAL_MS
 * apart, and parses nothing in between; once less than a window's worth arrives in an interval,
 * it streams again from where it is, with nothing skipped since the last screen.
 */

export interface SkimTarget {
  /** Asks the server for the screen as it is now; false when the connection is not open. */
  requestSnapshot(): boolean;
  /** Everything handed to the terminal is parsed (the last screen is drawn). */
  idle(): boolean;
  /** Hands output to the terminal, as when not skimming; `done` acks it once rendered. */
  feed(data: Uint8Array, done: () => void): void;
  /** Acks output that was skipped (not rendered). */
  discard(bytes: number, done: () => void): void;
  /** Runs an action in order with the output fed before it (a resize). */
  apply(action: () => void): void;
}

export interface SkimOptions {
  intervalMs?: number;
  /** Held after an interval, this much means the flood goes on (by default the viewer's window: the server stops there). */
  floodBytes?: number;
}

/** Output, or an action that came between output (a resize: it applies to what follows it). */
type Held = { data: Uint8Array; done: () => void } | { action: () => void };

export class FloodSkimmer {
  private active = false;
  private held: Held[] = [];
  private heldBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private awaitingSnapshot = false;
  /** The snapshot that answers typed keys is followed by their echo: it does not start skimming. */
  private keysPending = false;
  private readonly intervalMs: number;
  private readonly floodBytes: number;

  constructor(
    private readonly target: SkimTarget,
    options: SkimOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? SKIM_INTERVAL_MS;
    this.floodBytes = options.floodBytes ?? VIEWER_HIGH_WATERMARK;
  }

  get skimming(): boolean {
    return this.active;
  }

  /**
   * A snapshot arrived. A resync of a view in front starts skimming (or is the next screen of
   * one); any other snapshot ends it: an attach belongs to a new connection, which owes nothing
   * to what is held.
   */
  snapshot(reason: "attach" | "resync", inFront: boolean): void {
    const answersKeys = this.keysPending;
    this.keysPending = false;
    this.awaitingSnapshot = false;
    if (reason !== "resync" || !inFront || answersKeys) {
      this.reset();
      return;
    }
    this.active = true;
    this.schedule();
  }

  /** Output: held while skimming (true); otherwise the caller feeds it (false). */
  write(data: Uint8Array, done: () => void): boolean {
    if (!this.active) return false;
    this.held.push({ data, done });
    this.heldBytes += data.byteLength;
    return true;
  }

  /**
   * An action that must follow the output before it (a resize): held with it while skimming
   * (true), and applied in its place whether that output is then drawn or skipped.
   */
  hold(action: () => void): boolean {
    if (!this.active) return false;
    this.held.push({ action });
    return true;
  }

  /**
   * Keys are about to be sent: skimming stops and what is held is skipped (acked, not drawn), so
   * the caller sends them with `catchUp` and the echo follows the next screen. False when not
   * skimming.
   */
  stopForKeys(): boolean {
    if (!this.active) return false;
    this.keysPending = true;
    this.active = false;
    this.clearTimer();
    this.releaseHeld("skip");
    return true;
  }

  /** The connection was replaced or closed: what is held belonged to it and is forgotten. */
  reset(): void {
    this.active = false;
    this.awaitingSnapshot = false;
    this.held = [];
    this.heldBytes = 0;
    this.clearTimer();
  }

  dispose(): void {
    this.reset();
  }

  private schedule(): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.active || this.awaitingSnapshot) return;
    // The last screen is not drawn yet: asking for the next would only pile them up.
    if (!this.target.idle()) {
      this.schedule();
      return;
    }
    if (this.heldBytes >= this.floodBytes && this.target.requestSnapshot()) {
      // Asked first, then acked: the server holds this viewer from the request on, so the acks
      // do not release output that would only be skipped too.
      this.awaitingSnapshot = true;
      this.releaseHeld("skip");
      return;
    }
    // The flood is over (or the socket is): what is held follows the last screen without a gap.
    this.active = false;
    this.releaseHeld("feed");
  }

  /** Hands on what is held, in order: output drawn or skipped (acked either way), actions applied. */
  private releaseHeld(output: "feed" | "skip"): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const entry of held) {
      if ("action" in entry) this.target.apply(entry.action);
      else if (output === "feed") this.target.feed(entry.data, entry.done);
      else this.target.discard(entry.data.byteLength, entry.done);
    }
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
