import { randomUUID } from "node:crypto";
import {
  RING_BYTES,
  SOCKET_HIGH_WATERMARK,
  TYPING_CATCH_UP_MS,
  VIEWER_HIGH_WATERMARK,
  VIEWER_LOW_WATERMARK,
} from "../contract/flow-control";
import type { ServerMessage } from "../contract/protocol";

/**
 * Fan-out of one session's output to its viewers, with per-viewer flow control.
 *
 * All viewers read from ONE shared ring of recent output (byte offsets into the session's stream),
 * so memory is bounded by the ring, not by the number or slowness of viewers. Each viewer has a
 * read position and a count of bytes sent but not yet acknowledged. Sending stops above the high
 * watermark and resumes below the low one. A viewer whose position has been evicted from the ring
 * (it fell too far behind) is resynchronised: it gets a fresh snapshot of the screen from the
 * mirror and continues from the stream position that snapshot corresponds to.
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
  lastActiveAt: number;
  sentBytes: number;
  resyncs: number;
  /** Control messages waiting for the output before them to be sent first (keeps exit after output). */
  queued: Array<{ offset: number; message: ServerMessage }>;
}

/** Control messages kept per viewer while its output is held back; older ones give way. */
const MAX_QUEUED_MESSAGES = 64;

interface Chunk {
  start: number;
  buf: Buffer;
  /** When it was pushed (the hub's clock). */
  at: number;
}

export interface ViewerHubOptions {
  ringBytes?: number;
  highWatermark?: number;
  lowWatermark?: number;
  socketHighWatermark?: number;
  typingCatchUpMs?: number;
  now?: () => number;
  /** Takes a snapshot of the screen at a moment the mirror has parsed every byte pushed so far. */
  takeSnapshot(deliver: (snapshot: Snapshot) => void): void;
}

export class ViewerHub {
  private readonly chunks: Chunk[] = [];
  private ringSize = 0;
  private head = 0;
  private readonly viewers = new Map<string, Viewer>();
  private readonly ringBytes: number;
  private readonly high: number;
  private readonly low: number;
  private readonly socketHigh: number;
  private readonly typingCatchUpMs: number;
  private readonly now: () => number;
  private snapshotWaiters: Viewer[] = [];

  constructor(private readonly options: ViewerHubOptions) {
    this.ringBytes = options.ringBytes ?? RING_BYTES;
    this.high = options.highWatermark ?? VIEWER_HIGH_WATERMARK;
    this.low = options.lowWatermark ?? VIEWER_LOW_WATERMARK;
    this.socketHigh = options.socketHighWatermark ?? SOCKET_HIGH_WATERMARK;
    this.typingCatchUpMs = options.typingCatchUpMs ?? TYPING_CATCH_UP_MS;
    this.now = options.now ?? Date.now;
  }

  get headOffset(): number {
    return this.head;
  }

  get ringStart(): number {
    return this.chunks[0]?.start ?? this.head;
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
    this.chunks.push({ start: this.head, buf, at: this.now() });
    this.head += buf.length;
    this.ringSize += buf.length;
    while (this.ringSize > this.ringBytes && this.chunks.length > 1) {
      const dropped = this.chunks.shift()!;
      this.ringSize -= dropped.buf.length;
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
   * the echo of these keys follows the snapshot at once.
   */
  typed(viewer: Viewer): void {
    if (viewer.syncing || viewer.position >= this.head) return;
    const oldestUnsent = this.chunkAt(viewer.position);
    // Evicted from the ring: the next pump resyncs it anyway.
    if (oldestUnsent && this.now() - oldestUnsent.at < this.typingCatchUpMs) return;
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
  broadcast(message: ServerMessage): void {
    for (const viewer of this.viewers.values()) {
      if (!viewer.syncing && viewer.position >= this.head) {
        viewer.transport.sendMessage(message);
        continue;
      }
      viewer.queued.push({ offset: this.head, message });
      if (viewer.queued.length > MAX_QUEUED_MESSAGES) {
        const drop = viewer.queued.findIndex((q) => q.message.type !== "exit");
        viewer.queued.splice(drop >= 0 ? drop : 0, 1);
      }
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
    while (viewer.position < this.head) {
      if (viewer.unacked >= this.high) return;
      if (viewer.transport.bufferedAmount >= this.socketHigh) return;
      if (viewer.position < this.ringStart) {
        viewer.resyncs += 1;
        this.requestSnapshot(viewer, "resync");
        return;
      }
      const chunk = this.chunkAt(viewer.position);
      if (!chunk) return;
      const from = viewer.position - chunk.start;
      const slice = from === 0 ? chunk.buf : chunk.buf.subarray(from);
      viewer.transport.sendBinary(slice);
      viewer.position += slice.length;
      viewer.unacked += slice.length;
      viewer.sentBytes += slice.length;
      this.flushQueued(viewer);
    }
  }

  private flushQueued(viewer: Viewer): void {
    while (viewer.queued.length > 0 && viewer.queued[0]!.offset <= viewer.position) {
      viewer.transport.sendMessage(viewer.queued.shift()!.message);
    }
  }

  private chunkAt(offset: number): Chunk | undefined {
    // Viewers are nearly always near the head: search from the newest chunk backwards.
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const chunk = this.chunks[i]!;
      if (chunk.start <= offset) return offset < chunk.start + chunk.buf.length ? chunk : undefined;
    }
    return undefined;
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
