import WebSocket from "ws";
import { ACK_DELAY_MS, ACK_EVERY_BYTES } from "../../src/terminal/contract/flow-control";
import type { ServerMessage } from "../../src/terminal/contract/protocol";
import { nowMs } from "./stats";

/**
 * A terminal viewer without a browser, speaking docs/protocol.md.
 *
 * `ack: "browser"` acknowledges output the way the app's browser client does
 * (src/terminal/client/terminal-connection.ts, constants in src/terminal/contract/flow-control.ts):
 * in groups of at least 16 KiB, or 20 ms after the first unacknowledged byte — here on receipt, since there is no renderer to wait for.
 * `ack: "never"` never acknowledges (a stalled tab); `stopReadingAfter` stops reading the socket
 * altogether after that many output bytes (a frozen or suspended client: the kernel buffers fill
 * and the server's send buffer is all that can grow).
 */
export interface ViewerOptions {
  ack: "browser" | "never";
  stopReadingAfter?: number;
  /** Called for each binary frame (after counting). */
  onOutput?: (data: Buffer) => void;
}

export class BenchViewer {
  readonly ws: WebSocket;
  bytes = 0;
  frames = 0;
  snapshots = 0;
  resyncs = 0;
  lastOutputAt = 0;
  connectStartedAt = nowMs();
  snapshotAt = 0;
  snapshot: Extract<ServerMessage, { type: "snapshot" }> | undefined;
  exit: Extract<ServerMessage, { type: "exit" }> | undefined;
  exitAt = 0;
  closed: { code: number; reason: string } | undefined;
  private pendingAck = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private readonly snapshotWaiters: Array<() => void> = [];
  private readonly exitWaiters: Array<() => void> = [];
  private readonly outputWaiters: Array<{ bytes: number; resolve: () => void }> = [];
  private stoppedReading = false;

  constructor(
    origin: string,
    taskId: string,
    private readonly options: ViewerOptions,
  ) {
    this.connectStartedAt = nowMs();
    this.ws = new WebSocket(`${origin.replace(/^http/, "ws")}/ws/terminals/${taskId}`, { origin, perMessageDeflate: false });
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) this.onOutput(data as Buffer);
      else this.onMessage(JSON.parse((data as Buffer).toString("utf8")) as ServerMessage);
    });
    this.ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.flushAll();
    });
    this.ws.on("error", () => undefined);
  }

  /** Resolves once the first snapshot (the restored screen) has arrived. */
  ready(timeoutMs = 30_000): Promise<void> {
    if (this.snapshot) return Promise.resolve();
    return this.withTimeout(new Promise<void>((resolve) => this.snapshotWaiters.push(resolve)), timeoutMs, "snapshot");
  }

  /** Resolves once the `exit` message arrived (all output was sent before it). */
  exited(timeoutMs = 600_000): Promise<void> {
    if (this.exit) return Promise.resolve();
    return this.withTimeout(new Promise<void>((resolve) => this.exitWaiters.push(resolve)), timeoutMs, "exit");
  }

  /** Resolves once `bytes` more output bytes than now have arrived. */
  output(bytes: number, timeoutMs = 10_000): Promise<void> {
    const target = this.bytes + bytes;
    return this.withTimeout(
      new Promise<void>((resolve) => this.outputWaiters.push({ bytes: target, resolve })),
      timeoutMs,
      `${bytes} bytes of output`,
    );
  }

  send(message: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  input(data: string): void {
    this.send({ type: "input", data });
  }

  close(): void {
    clearTimeout(this.ackTimer);
    if (this.stoppedReading) this.ws.terminate();
    else this.ws.close();
  }

  private onOutput(data: Buffer): void {
    this.bytes += data.length;
    this.frames++;
    this.lastOutputAt = nowMs();
    this.options.onOutput?.(data);
    for (let i = this.outputWaiters.length - 1; i >= 0; i--) {
      const waiter = this.outputWaiters[i]!;
      if (this.bytes >= waiter.bytes) {
        this.outputWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
    if (this.options.stopReadingAfter !== undefined && !this.stoppedReading && this.bytes >= this.options.stopReadingAfter) {
      this.stoppedReading = true;
      // ws reads from its net.Socket; pausing it leaves the data in the kernel's buffers.
      (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    }
    if (this.options.ack === "never") return;
    this.pendingAck += data.length;
    if (this.pendingAck >= ACK_EVERY_BYTES) this.flushAck();
    else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAck === 0) return;
    this.send({ type: "ack", bytes: this.pendingAck });
    this.pendingAck = 0;
  }

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "snapshot":
        this.snapshots++;
        if (message.reason === "resync") this.resyncs++;
        if (!this.snapshot) {
          this.snapshot = message;
          this.snapshotAt = nowMs();
          for (const resolve of this.snapshotWaiters.splice(0)) resolve();
        }
        break;
      case "exit":
        this.exit = message;
        this.exitAt = nowMs();
        this.flushAck();
        for (const resolve of this.exitWaiters.splice(0)) resolve();
        break;
      default:
        break;
    }
  }

  private flushAll(): void {
    for (const resolve of this.snapshotWaiters.splice(0)) resolve();
    for (const resolve of this.exitWaiters.splice(0)) resolve();
  }

  private withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`viewer: no ${what} within ${ms} ms (received ${this.bytes} bytes)`)), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        },
      );
    });
  }
}
