/**
 * What a terminal received and has not parsed yet, handed to xterm a bounded amount at a time.
 *
 * xterm's own write buffer takes whatever it is given and cannot give it back: a frame written to
 * it will be parsed and drawn, however old it is by then. With every received frame written at
 * once, a keystroke's echo waited behind all of the terminal's window (100 kB and a flood's burst)
 * and could not skip it. Here xterm holds at most MAX_FED_BYTES unparsed; the rest waits in this
 * queue, where a keystroke can drop it (and resync to the current screen, see TerminalController)
 * and where the page's echo priority can hold it while another terminal awaits its echo. Each
 * slice is handed on from the previous one's parsed callback, which xterm calls inside its own
 * write loop, so a terminal that is fed keeps xterm busy without a gap.
 */

/** Unparsed bytes in xterm at once: a few milliseconds of parsing. */
export const MAX_FED_BYTES = 32 * 1024;
/** A frame is handed over in slices of at most this much (xterm takes frames cut anywhere). */
export const FEED_SLICE_BYTES = 16 * 1024;

export interface FeedSink {
  /** Writes to the terminal; `parsed` once it has been parsed (xterm's write callback). */
  write(data: Uint8Array | string, parsed: () => void): void;
}

interface Entry {
  data: Uint8Array | string;
  /** Bytes (or characters) handed to the sink. */
  sent: number;
  /** …and parsed by it. */
  parsed: number;
  /** Runs once the terminal parsed the whole entry (a frame's ack). */
  done: (() => void) | undefined;
  /** Runs just before the entry's first slice, once everything before it is parsed (a reset). */
  before: (() => void) | undefined;
}

export class OutputFeeder {
  private queue: Entry[] = [];
  /** Handed to the sink and not parsed yet. */
  private fed = 0;
  /** Received and not handed to the sink yet. */
  private waiting = 0;
  private disposed = false;

  constructor(
    private readonly sink: FeedSink,
    /** Whether this terminal may feed now (the page's echo priority may hold it). */
    private readonly mayFeed: () => boolean = () => true,
  ) {}

  /** Bytes received and not yet handed to xterm. */
  get queuedBytes(): number {
    return this.waiting;
  }

  /** Nothing received is left unparsed. */
  get idle(): boolean {
    return this.waiting === 0 && this.fed === 0;
  }

  /** Output; `done` once all of it is parsed. */
  push(data: Uint8Array, done?: () => void): void {
    this.enqueue({ data, sent: 0, parsed: 0, done, before: undefined });
  }

  /**
   * Runs `action` once everything pushed before it is parsed, then writes `data` (if any) after
   * it, in order with the output: a resize, or a reset to a snapshot of the screen.
   */
  after(action: () => void, data: string = ""): void {
    this.enqueue({ data, sent: 0, parsed: 0, done: undefined, before: action });
  }

  /**
   * Drops every byte not yet handed to xterm (the part of a frame xterm already has is still
   * parsed). Each dropped frame's `done` runs now: it was consumed, if not drawn. Actions (resets,
   * resizes) are kept. Returns the bytes dropped.
   */
  drop(): number {
    let dropped = 0;
    const kept: Entry[] = [];
    const finished: Array<() => void> = [];
    for (const entry of this.queue) {
      if (entry.before && entry.sent === 0) {
        kept.push(entry);
        continue;
      }
      const unsent = length(entry.data) - entry.sent;
      dropped += unsent;
      if (entry.sent > 0) {
        // Partly in xterm: what it has is parsed, then the frame counts as done.
        entry.data = part(entry.data, 0, entry.sent);
        if (entry.parsed < entry.sent) {
          kept.push(entry);
          continue;
        }
      }
      if (entry.done) finished.push(entry.done);
    }
    this.queue = kept;
    this.waiting -= dropped;
    for (const done of finished) done();
    return dropped;
  }

  /** Feed again if allowed (call when the echo priority released this terminal). */
  pump(): void {
    while (!this.disposed && this.fed < MAX_FED_BYTES && this.mayFeed()) {
      const entry = this.queue.find((e) => e.sent < length(e.data) || (e.before !== undefined && e.sent === 0));
      if (!entry) return;
      if (entry.before && entry.sent === 0) {
        // A reset or resize applies to what follows it: only once the terminal parsed all before it.
        if (this.fed > 0 || this.queue[0] !== entry) return;
        const before = entry.before;
        entry.before = undefined;
        before();
        if (length(entry.data) === 0) {
          this.queue.shift();
          entry.done?.();
          continue;
        }
        // A snapshot goes whole: it is the screen, and nothing is behind it to skip.
        this.send(entry, length(entry.data));
        continue;
      }
      this.send(entry, Math.min(FEED_SLICE_BYTES, MAX_FED_BYTES - this.fed, length(entry.data) - entry.sent));
    }
  }

  /** Forgets everything; nothing is fed or called afterwards. */
  dispose(): void {
    this.disposed = true;
    this.queue = [];
    this.waiting = 0;
  }

  private enqueue(entry: Entry): void {
    if (this.disposed) return;
    this.queue.push(entry);
    this.waiting += length(entry.data);
    this.pump();
  }

  private send(entry: Entry, n: number): void {
    const from = entry.sent;
    entry.sent += n;
    this.fed += n;
    this.waiting -= n;
    const slice = from === 0 && n === length(entry.data) ? entry.data : part(entry.data, from, from + n);
    this.sink.write(slice, () => {
      if (this.disposed) return;
      this.fed -= n;
      entry.parsed += n;
      if (entry.parsed >= length(entry.data) && entry.sent >= length(entry.data)) {
        const index = this.queue.indexOf(entry);
        if (index >= 0) this.queue.splice(index, 1);
        entry.done?.();
      }
      this.pump();
    });
  }
}

function part(data: Uint8Array | string, from: number, to: number): Uint8Array | string {
  return typeof data === "string" ? data.slice(from, to) : data.subarray(from, to);
}

function length(data: Uint8Array | string): number {
  return typeof data === "string" ? data.length : data.byteLength;
}
