import { ACK_DELAY_MS, ACK_EVERY_BYTES, RECONNECT_MAX_MS, RECONNECT_MIN_MS } from "../contract/flow-control";
import {
  CLOSE_CODES,
  parseServerMessage,
  terminalSocketPath,
  type ClientMessage,
  type ServerMessage,
  type SessionState,
  type Sizing,
} from "../contract/protocol";

/**
 * The browser side of one terminal viewer: connects to the session's socket, hands snapshots and
 * output to the renderer, acknowledges what the renderer finished, and reconnects with backoff.
 * Framework-free so that the React component stays a thin shell around it.
 */

export type ConnectionStatus =
  | "connecting"
  | "live"
  | "reconnecting"
  /** No session for this task (not started, or reaped). Reconnects when told a session started. */
  | "idle"
  | "closed";

export interface TerminalRenderer {
  /**
   * Resets the terminal to `cols`×`rows` and draws the serialized screen. `reason`: `attach` on
   * (re)connect, `resync` after this viewer fell behind or asked for it.
   */
  restore(data: string, cols: number, rows: number, reason: "attach" | "resync"): void;
  /** Writes output; calls `done` once it is rendered (the ack is sent from there). */
  write(data: Uint8Array, done: () => void): void;
  /** The PTY's size; `owner`: whether this viewer's fitted size is the one applied. */
  resize(cols: number, rows: number, owner: boolean): void;
}

export interface TerminalConnectionEvents {
  onStatus?(status: ConnectionStatus): void;
  onState?(state: SessionState): void;
  onExit?(exit: { exitCode: number | null; signal: string | null }): void;
  onError?(message: string): void;
}

export class TerminalConnection {
  private ws: WebSocket | undefined;
  private status: ConnectionStatus = "connecting";
  private pendingAck = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private disposed = false;
  private lastSize: { cols: number; rows: number; sizing: Sizing } | undefined;
  /**
   * Output until the next snapshot is acked unrendered: the renderer dropped what it had queued
   * (a catch-up, see `sendInput`) and the server resyncs this viewer before writing the keys.
   */
  private discarding = false;

  constructor(
    private readonly taskId: string,
    private readonly renderer: TerminalRenderer,
    private readonly events: TerminalConnectionEvents = {},
    private readonly baseUrl: string = defaultSocketBase(),
  ) {}

  get currentStatus(): ConnectionStatus {
    return this.status;
  }

  connect(): void {
    if (this.disposed) return;
    clearTimeout(this.reconnectTimer);
    this.ws?.close();
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(this.baseUrl + terminalSocketPath(this.taskId));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      if (typeof event.data === "string") this.onMessage(parseServerMessage(event.data));
      else this.onOutput(new Uint8Array(event.data as ArrayBuffer));
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.disposed) return;
      // A replaced session's viewers move to the new run at once; otherwise wait to be told.
      if (event.code === CLOSE_CODES.sessionReplaced) {
        this.scheduleReconnect(0);
        return;
      }
      if (event.code === CLOSE_CODES.noSession || event.code === CLOSE_CODES.sessionEnded) {
        this.setStatus("idle");
        return;
      }
      this.scheduleReconnect();
    };
  }

  /** Reconnect now (e.g. after a Start). */
  reconnect(): void {
    this.attempt = 0;
    this.connect();
  }

  /**
   * Keys for the PTY. `catchUp`: the renderer dropped output it had not drawn yet; the server
   * resyncs this viewer to the current screen before it writes the keys, and the output still on
   * its way from before that snapshot is acked without being rendered. Returns whether it was sent.
   */
  sendInput(data: string, catchUp = false): boolean {
    if (!this.send({ type: "input", data, ...(catchUp ? { catchUp } : {}) })) return false;
    if (catchUp) this.discarding = true;
    return true;
  }

  /**
   * The screen as it is now, in place of the output on its way: what arrives before the snapshot
   * is acked without being rendered (the caller skipped it). Returns whether it was sent.
   */
  requestSnapshot(): boolean {
    if (!this.send({ type: "resync" })) return false;
    this.discarding = true;
    return true;
  }

  /**
   * This viewer's fitted size; the server applies it while this viewer owns the size. `take`:
   * make this viewer the owner now (docs/protocol.md, "Size policy").
   */
  sendSize(cols: number, rows: number, sizing: Sizing, take = false): void {
    this.lastSize = { cols, rows, sizing };
    this.send({ type: "resize", cols, rows, sizing, ...(take ? { take } : {}) });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.ackTimer);
    this.ws?.close(1000, "Viewer closed");
    this.ws = undefined;
    this.setStatus("closed");
  }

  private send(message: ClientMessage): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private onMessage(message: ServerMessage | undefined): void {
    if (!message) return;
    switch (message.type) {
      case "hello":
        this.attempt = 0;
        this.pendingAck = 0;
        this.discarding = false;
        this.events.onState?.(message.state);
        // A session that ended before this viewer attached (a setup that failed at once, a missing
        // command) had its "exit" broadcast to nobody: the hello's state is the only report of it.
        if (!message.state.running) this.events.onExit?.({ exitCode: message.state.exitCode, signal: message.state.signal });
        if (this.lastSize) this.send({ type: "resize", ...this.lastSize });
        break;
      case "snapshot":
        this.discarding = false;
        this.renderer.restore(message.data, message.cols, message.rows, message.reason);
        this.setStatus("live");
        break;
      case "size":
        this.renderer.resize(message.cols, message.rows, message.owner ?? false);
        break;
      case "state":
        this.events.onState?.(message.state);
        break;
      case "exit":
        this.events.onExit?.({ exitCode: message.exitCode, signal: message.signal });
        break;
      case "error":
        this.events.onError?.(message.message);
        break;
      case "pong":
        break;
    }
  }

  private onOutput(data: Uint8Array): void {
    const bytes = data.byteLength;
    const consumed = () => {
      this.pendingAck += bytes;
      if (this.pendingAck >= ACK_EVERY_BYTES) this.flushAck();
      else if (!this.ackTimer) this.ackTimer = setTimeout(() => this.flushAck(), ACK_DELAY_MS);
    };
    if (this.discarding) consumed();
    else this.renderer.write(data, consumed);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAck === 0) return;
    if (this.send({ type: "ack", bytes: this.pendingAck })) this.pendingAck = 0;
  }

  private scheduleReconnect(delay?: number): void {
    this.setStatus("reconnecting");
    const wait = delay ?? Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), wait);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.events.onStatus?.(status);
  }
}

function defaultSocketBase(): string {
  if (typeof window === "undefined") return "";
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}`;
}
