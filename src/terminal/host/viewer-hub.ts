import { randomUUID } from "node:crypto";
import {
  BATCH_MS,
  MAX_FRAME_BYTES,
  RING_BYTES,
  SOCKET_HIGH_WATERMARK,
  TYPING_CATCH_UP_MS,
  VIEWER_HIGH_WATERMARK,
  VIEWER_LOW_WATERMARK,
} from "../contract/flow-control";
import type { ServerMessage, Sizing } from "../contract/protocol";

/**
 * Fan-out of one session's output to its viewers, with per-viewer flow control.
 *
 * All viewers read from ONE shared ring of recent output (byte offsets into the session's stream),
 * so memory is bounded by the ring, not by the number or slowness of viewers. Each viewer has a
 * read position and a count of bytes sent but not yet acknowledged. Sending stops above the high
 * watermark and resumes below the low one. A viewer whose position has been evicted from the ring
 * (it fell too far behind) is resynchronised: it gets a fresh snapshot of the screen from the
 * mirror and continues from the stream position that snapshot corresponds to.
 *
 * The ring is one buffer of `ringBytes` the output is copied into, not the pushed buffers
 * themselves: those came from the terminal host thread, and kept for the 4 MiB a viewer may lag
 * they outlived two young-generation GCs, so their memory went back only with the next full GC —
 * tens of MB of a flood's garbage in RSS. Frames are copied out of the ring (a frame still queued
 * in a socket must not change when the ring wraps), except the newest push sent whole.
 */

export interface ViewerTransport {
  sendBinary(data: Buffer): void;
  sendMessage(message: ServerMessage): void;
  /** Bytes queued in the socket, not yet handed to the kernel. */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

export interface Snapshot {
  data: string;
  cols: number;
  rows: number;
  /** Stream offset this snapshot corresponds to: live output continues from here. */
  offset: number;
}

export interface Viewer {
  readonly id: string;
  readonly transport: ViewerTransport;
  /** Next stream byte to send. */
  position: number;
  unacked: number;
  syncing: boolean;
  syncReason: "attach" | "resync";
  size: { cols: number; rows: number } | undefined;
  /** How this viewer's size counts (the `resize` message's `sizing`; until it says, `lead`). */
  sizing: Sizing;
  lastActiveAt: number;
  sentBytes: number;
  resyncs: number;
  /** Control messages waiting for the output before them to be sent first (keeps exit after output). */
  queued: Array<{ offset: number; message: ServerMessage }>;
}

/** Control messages kept per viewer while its output is held back; older ones give way. */
const MAX_QUEUED_MESSAGES = 64;

/** Where a push landed in the stream (its bytes are in the ring). */
interface Chunk {
  start: number;
  length: number;
  /** When it was pushed (the hub's clock). */
  at: number;
}

export interface ViewerHubOptions {
  ringBytes?: number;
  highWatermark?: number;
  lowWatermark?: number;
  socketHighWatermark?: number;
  typingCatchUpMs?: number;
  /** The most a flood adds to a viewer's window (see `burst`); default MAX_FRAME_BYTES. */
  floodWindowBytes?: number;
  now?: () => number;
  /** Takes a snapshot of the screen at a moment the mirror has parsed every byte pushed so far. */
  takeSnapshot(deliver: (snapshot: Snapshot) => void): void;
}

export class ViewerHub {
  /** The pushes still (partly) in the ring, oldest first from `chunkHead`. */
  private chunks: Chunk[] = [];
  private chunkHead = 0;
  /** The last `ringBytes` bytes of output, stream offset `o` at `o % ringBytes`; allocated on the first push. */
  private ring: Buffer | undefined;
  /** The newest push as it came: sent as it is to a viewer that takes all of it. */
  private newest: Buffer | undefined;
  private head = 0;
  private readonly viewers = new Map<string, Viewer>();
  private readonly ringBytes: number;
  private readonly high: number;
  private readonly low: number;
  private readonly socketHigh: number;
  private readonly typingCatchUpMs: number;
  private readonly floodWindow: number;
  private readonly now: () => number;
  private snapshotWaiters: Viewer[] = [];

  constructor(private readonly options: ViewerHubOptions) {
    this.ringBytes = options.ringBytes ?? RING_BYTES;
    this.high = options.highWatermark ?? VIEWER_HIGH_WATERMARK;
    this.low = options.lowWatermark ?? VIEWER_LOW_WATERMARK;
    this.socketHigh = options.socketHighWatermark ?? SOCKET_HIGH_WATERMARK;
    this.typingCatchUpMs = options.typingCatchUpMs ?? TYPING_CATCH_UP_MS;
    this.floodWindow = options.floodWindowBytes ?? MAX_FRAME_BYTES;
    this.now = options.now ?? Date.now;
  }

  get headOffset(): number {
    return this.head;
  }

  get ringStart(): number {
    return Math.max(0, this.head - this.ringBytes);
  }

  get count(): number {
    return this.viewers.size;
  }

  list(): Viewer[] {
    return [...this.viewers.values()];
  }

  get(id: string): Viewer | undefined {
    return this.viewers.get(id);
  }

  /** Appends a batch of output and sends it to every viewer that may receive it now. */
  push(buf: Buffer): void {
    if (buf.length === 0) return;
    const size = this.ringBytes;
    const ring = (this.ring ??= Buffer.allocUnsafe(size));
    // Only the last `size` bytes of a push larger than the ring can be kept.
    let from = Math.max(0, buf.length - size);
    let at = (this.head + from) % size;
    while (from < buf.length) {
      const n = Math.min(buf.length - from, size - at);
      buf.copy(ring, at, from, from + n);
      from += n;
      at = at + n === size ? 0 : at + n;
    }
    this.chunks.push({ start: this.head, length: buf.length, at: this.now() });
    this.newest = buf;
    this.head += buf.length;
    const ringStart = this.ringStart;
    while (this.chunkHead < this.chunks.length - 1 && this.chunks[this.chunkHead]!.start + this.chunks[this.chunkHead]!.length <= ringStart) {
      this.chunkHead++;
    }
    if (this.chunkHead > 1024 && this.chunkHead * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.chunkHead);
      this.chunkHead = 0;
    }
    for (const viewer of this.viewers.values()) this.pump(viewer);
  }

  attach(transport: ViewerTransport): Viewer {
    const viewer: Viewer = {
      id: randomUUID(),
      transport,
      position: this.head,
      unacked: 0,
      syncing: true,
      syncReason: "attach",
      size: undefined,
      sizing: "lead",
      lastActiveAt: Date.now(),
      sentBytes: 0,
      resyncs: 0,
      queued: [],
    };
    this.viewers.set(viewer.id, viewer);
    return viewer;
  }

  /** Starts the first sync of a viewer after its hello was sent. */
  start(viewer: Viewer): void {
    this.requestSnapshot(viewer);
  }

  detach(viewer: Viewer): void {
    this.viewers.delete(viewer.id);
    this.snapshotWaiters = this.snapshotWaiters.filter((v) => v !== viewer);
  }

  ack(viewer: Viewer, bytes: number): void {
    viewer.unacked = Math.max(0, viewer.unacked - bytes);
    if (viewer.unacked <= this.low) this.pump(viewer);
  }

  /**
   * The viewer sent input. A view that renders slower than the program prints (a busy tab, a
   * flood) lags by up to the ring; its echo would show only after all of that. If what it has
   * not been sent yet is older than `typingCatchUpMs`, it is resynced to the present first, so
   * the echo of these keys follows the snapshot at once. `dropped`: the viewer itself threw away
   * output it had been sent and not rendered (the browser's catch-up): it is resynced whatever
   * the age, since its screen now misses bytes (a snapshot already on its way does that too).
   */
  typed(viewer: Viewer, dropped = false): void {
    if (dropped) {
      this.resync(viewer);
      return;
    }
    if (viewer.syncing || viewer.position >= this.head) return;
    const oldestUnsent = this.chunkAt(viewer.position);
    // Evicted from the ring: the next pump resyncs it anyway.
    if (oldestUnsent && this.now() - oldestUnsent.at < this.typingCatchUpMs) return;
    viewer.resyncs += 1;
    this.requestSnapshot(viewer, "resync");
  }

  /**
   * The viewer asked for the screen as it is now (it skipped what it was sent): a snapshot, then
   * the stream from there. One already on its way serves.
   */
  resync(viewer: Viewer): void {
    if (viewer.syncing) return;
    viewer.resyncs += 1;
    this.requestSnapshot(viewer, "resync");
  }

  /** Called when a socket's send buffer drained, so a viewer held back by it can continue. */
  drained(viewer: Viewer): void {
    this.pump(viewer);
  }

  /**
   * Sends a control message to every viewer, ordered after the output pushed so far: a viewer
   * whose output is held back by flow control gets it once that output has gone out.
   */
  broadcast(message: ServerMessage | ((viewer: Viewer) => ServerMessage)): void {
    for (const viewer of this.viewers.values()) {
      this.sendInOrder(viewer, typeof message === "function" ? message(viewer) : message);
    }
  }

  /** One viewer's control message, ordered after the output pushed so far (see `broadcast`). */
  sendInOrder(viewer: Viewer, message: ServerMessage): void {
    if (!viewer.syncing && viewer.position >= this.head) {
      viewer.transport.sendMessage(message);
      return;
    }
    viewer.queued.push({ offset: this.head, message });
    if (viewer.queued.length > MAX_QUEUED_MESSAGES) {
      const drop = viewer.queued.findIndex((q) => q.message.type !== "exit");
      viewer.queued.splice(drop >= 0 ? drop : 0, 1);
    }
  }

  closeAll(code: number, reason: string): void {
    for (const viewer of [...this.viewers.values()]) {
      this.detach(viewer);
      viewer.transport.close(code, reason);
    }
  }

  private pump(viewer: Viewer): void {
    if (viewer.syncing) return;
    this.flushQueued(viewer);
    let window = -1;
    while (viewer.position < this.head) {
      if (window < 0) window = this.high + this.burst();
      const budget = window - viewer.unacked;
      if (budget <= 0) return;
      if (viewer.transport.bufferedAmount >= this.socketHigh) return;
      if (viewer.position < this.ringStart) {
        viewer.resyncs += 1;
        this.requestSnapshot(viewer, "resync");
        return;
      }
      // A frame ends where a control message waits, so the message keeps its place.
      const frame = this.frameAt(viewer.position, viewer.queued[0]?.offset ?? Infinity, budget);
      if (!frame) return;
      viewer.transport.sendBinary(frame);
      viewer.position += frame.length;
      viewer.unacked += frame.length;
      viewer.sentBytes += frame.length;
      this.flushQueued(viewer);
    }
  }

  private flushQueued(viewer: Viewer): void {
    while (viewer.queued.length > 0 && viewer.queued[0]!.offset <= viewer.position) {
      viewer.transport.sendMessage(viewer.queued.shift()!.message);
    }
  }

  private chunkIndex(offset: number): number {
    // Viewers are nearly always near the head: search from the newest chunk backwards.
    for (let i = this.chunks.length - 1; i >= this.chunkHead; i--) {
      const chunk = this.chunks[i]!;
      if (chunk.start <= offset) return offset < chunk.start + chunk.length ? i : -1;
    }
    return -1;
  }

  private chunkAt(offset: number): Chunk | undefined {
    const index = this.chunkIndex(offset);
    return index < 0 ? undefined : this.chunks[index];
  }

  /**
   * What the program printed in the last BATCH_MS, up to `floodWindowBytes`: how far past the high
   * watermark a viewer may run ahead of its acks. Output used to reach viewers in batches of that
   * much (5 ms or 256 KiB), and the watermark was checked between batches, so a flood's viewer had
   * about that much more in flight per ack round trip; with the smaller batches of now (see
   * MAX_BATCH_BYTES) a viewer that kept up got half of it, fell behind a flood and out of the
   * ring. Slow output adds next to nothing, so a busy tab is not sent more than before.
   */
  private burst(): number {
    if (this.floodWindow === 0) return 0;
    const since = this.now() - BATCH_MS;
    let bytes = 0;
    for (let i = this.chunks.length - 1; i >= this.chunkHead && bytes < this.floodWindow; i--) {
      const chunk = this.chunks[i]!;
      if (chunk.at <= since) break;
      bytes += chunk.length;
    }
    return Math.min(bytes, this.floodWindow);
  }

  /**
   * The next frame for a viewer at `offset` (within the ring): the rest of its push, and as many
   * whole pushes after it as fit in `budget` and MAX_FRAME_BYTES, never across `stop` (a control
   * message waits there). The first push goes whole, even past the budget.
   */
  private frameAt(offset: number, stop: number, budget: number): Buffer | undefined {
    let index = this.chunkIndex(offset);
    if (index < 0) return undefined;
    const first = this.chunks[index]!;
    let end = first.start + first.length;
    const limit = Math.min(budget, MAX_FRAME_BYTES);
    while (index + 1 < this.chunks.length && end < stop) {
      const next = this.chunks[index + 1]!;
      if (next.start + next.length - offset > limit) break;
      end = next.start + next.length;
      index++;
    }
    const newest = this.newest;
    if (newest && offset === this.head - newest.length && end === this.head) return newest;
    const frame = Buffer.allocUnsafe(end - offset);
    const size = this.ringBytes;
    const at = offset % size;
    const n = Math.min(frame.length, size - at);
    this.ring!.copy(frame, 0, at, at + n);
    if (n < frame.length) this.ring!.copy(frame, n, 0, frame.length - n);
    return frame;
  }

  private requestSnapshot(viewer: Viewer, reason: "attach" | "resync" = "attach"): void {
    viewer.syncing = true;
    const first = this.snapshotWaiters.length === 0;
    this.snapshotWaiters.push(viewer);
    viewer.syncReason = reason;
    if (!first) return;
    // One serialization serves every viewer waiting at the same moment.
    this.options.takeSnapshot((snapshot) => {
      const waiting = this.snapshotWaiters;
      this.snapshotWaiters = [];
      for (const v of waiting) {
        if (!this.viewers.has(v.id)) continue;
        v.transport.sendMessage({ type: "snapshot", reason: v.syncReason, cols: snapshot.cols, rows: snapshot.rows, data: snapshot.data });
        v.position = snapshot.offset;
        v.syncing = false;
        this.pump(v);
      }
    });
  }
}
