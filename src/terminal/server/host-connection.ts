import { AppError, type ErrorCode } from "../../lib/errors";
import {
  FRAME_JSON,
  HOST_PROTOCOL_VERSION,
  type AppMessage,
  type HostCall,
  type HostCallResults,
  type HostHello,
  type HostMessage,
  type HostRefused,
  type HostWelcome,
} from "../contract/host-protocol";
import { FramedStream, type ReusedReadBuffer } from "../contract/host-wire";

/**
 * The app server's end of the terminal host protocol (contract/host-protocol.ts) on any byte
 * stream: a handshake, then typed calls answered by id, and the host's events in order.
 */

/** The host refused the connection; `refusal` says why (another version, another app server…). */
export class HostRefusedError extends Error {
  constructor(readonly refusal: HostRefused) {
    super(refusal.message);
  }
}

/** Longest wait for the host's answer to the hello. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Sendable = Exclude<AppMessage, { t: "req" }>;

export class HostConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly messageListeners = new Set<(message: HostMessage) => void>();
  private readonly outputListeners = new Set<(channel: number, data: Buffer) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | undefined;
  private stream!: FramedStream;

  private constructor(readonly welcome: HostWelcome) {}

  /** Says hello on `input`/`output`; resolves once the host welcomed us, rejects with HostRefusedError or a transport error. */
  static open(
    input: NodeJS.ReadableStream,
    output: NodeJS.WritableStream,
    hello: { token: string; role: HostHello["role"]; protocol?: number },
    reads?: ReusedReadBuffer,
  ): Promise<HostConnection> {
    return new Promise((resolve, reject) => {
      let connection: HostConnection | undefined;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stream.close("handshake failed");
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error("the terminal host did not answer the hello")), HANDSHAKE_TIMEOUT_MS);
      const stream: FramedStream = new FramedStream(input, output, (frame) => {
        if (connection) return connection.onFrame(frame);
        if (frame.kind !== FRAME_JSON) return fail(new Error("the terminal host sent output before its welcome"));
        const value = frame.value as HostWelcome | HostRefused;
        if (value?.t === "refused") return fail(new HostRefusedError(value));
        if (value?.t !== "welcome") return fail(new Error("the terminal host did not answer with a welcome"));
        settled = true;
        clearTimeout(timer);
        connection = new HostConnection(value);
        connection.stream = stream;
        stream.onClose((reason) => connection!.closed(reason));
        resolve(connection);
      }, reads);
      stream.onClose((reason) => fail(new Error(`the terminal host closed the connection (${reason})`)));
      const message: HostHello = { t: "hello", protocol: hello.protocol ?? HOST_PROTOCOL_VERSION, token: hello.token, role: hello.role, pid: process.pid };
      stream.send(message);
    });
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  call<K extends HostCall["op"]>(call: Extract<HostCall, { op: K }>): Promise<HostCallResults[K]> {
    if (this.closedReason !== undefined) return Promise.reject(hostGone(this.closedReason));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.stream.send({ t: "req", id, call } satisfies AppMessage);
    });
  }

  send(message: Sendable): void {
    this.stream.send(message);
  }

  onMessage(listener: (message: HostMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Viewer output; `data` is valid only during the call (it may sit in a reused read buffer). */
  onViewerOutput(listener: (channel: number, data: Buffer) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.stream.close("closed by the app server");
  }

  private onFrame(frame: Parameters<ConstructorParameters<typeof FramedStream>[2]>[0]): void {
    if (frame.kind !== FRAME_JSON) {
      for (const listener of this.outputListeners) listener(frame.channel, frame.data);
      return;
    }
    const message = frame.value as HostMessage;
    if (message.t === "res") {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new AppError(message.error.code as ErrorCode, message.error.message));
      return;
    }
    for (const listener of this.messageListeners) listener(message);
  }

  private closed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const pending of this.pending.values()) pending.reject(hostGone(reason));
    this.pending.clear();
    for (const listener of this.closeListeners) listener(reason);
  }
}

function hostGone(reason: string): AppError {
  return new AppError("unavailable:host", `The terminal host is not connected (${reason}).`);
}
