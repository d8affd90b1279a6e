import { FRAME_JSON, FRAME_OUTPUT } from "./host-protocol";

/**
 * Frames of the terminal host protocol, on any byte stream: a 4-byte big-endian length (of what
 * follows it), a 1-byte kind, then the payload — JSON text, or for viewer output a 4-byte channel
 * number and the bytes as they are (no base64, no copy into a JSON string).
 */

/** Largest frame accepted: a 4 MB paste as JSON, or a spawn with a large environment, fits well. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const HEADER_BYTES = 5;
/** Length, kind and channel: what must be read before an output frame's bytes can be handed on. */
const OUTPUT_HEADER_BYTES = 9;
/** How long a closed connection may take to deliver what was written before it is destroyed. */
const CLOSE_LINGER_MS = 2_000;

/**
 * An output frame's `data` is a view of what was read. When the stream reads into one reused
 * buffer (`ReusedReadBuffer`), that view is valid only during the `onFrame` call: copy to keep it.
 */
export type Frame = { kind: typeof FRAME_JSON; value: unknown } | { kind: typeof FRAME_OUTPUT; channel: number; data: Buffer };

export function encodeJsonFrame(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), "utf8");
  const frame = Buffer.allocUnsafe(HEADER_BYTES + json.length);
  frame.writeUInt32BE(json.length + 1, 0);
  frame[4] = FRAME_JSON;
  json.copy(frame, HEADER_BYTES);
  return frame;
}

/** The header of an output frame; the data is written after it as it is (a second write, no copy). */
export function encodeOutputHeader(channel: number, dataBytes: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES + 4);
  header.writeUInt32BE(dataBytes + 5, 0);
  header[4] = FRAME_OUTPUT;
  header.writeUInt32BE(channel, 5);
  return header;
}

export class FrameError extends Error {}

/** Splits a byte stream into frames; throws FrameError on a frame that cannot be valid. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** An output frame whose bytes are still arriving: they are handed on piece by piece. */
  private output: { channel: number; remaining: number } | undefined;

  /**
   * Output frames may arrive in pieces (several `FRAME_OUTPUT` frames for one channel, cut where
   * the stream was read): each piece is a view of what was read, never a copy. Viewer output is a
   * byte stream, so where it is cut does not matter; copying every frame that spans two reads
   * into a new buffer was most of the app server's garbage under a flood.
   */
  constructor(private readonly onFrame: (frame: Frame) => void) {}

  /**
   * `transient`: the chunk's memory is reused once this call returns (a reused read buffer), so
   * whatever must wait for the next chunk is copied; output is still handed on as views.
   */
  push(chunk: Buffer, transient = false): void {
    this.parse(chunk);
    if (!transient) return;
    // Only this chunk's views: earlier ones were copied when they came (a large frame arrives
    // over many reads, and copying all of it again at each read would be quadratic).
    for (let i = 0; i < this.chunks.length; i++) {
      if (this.chunks[i]!.buffer === chunk.buffer) this.chunks[i] = Buffer.from(this.chunks[i]!);
    }
  }

  private parse(chunk: Buffer): void {
    if (this.output) chunk = this.continueOutput(chunk);
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const length = this.peekLength();
      if (length < 1 || length > MAX_FRAME_BYTES) throw new FrameError(`frame length ${length} is out of range`);
      if (this.buffered < 4 + length) {
        if (this.buffered >= OUTPUT_HEADER_BYTES && this.peekKind() === FRAME_OUTPUT) this.startOutput(length);
        return;
      }
      const bytes = this.take(4 + length);
      this.emit(bytes.subarray(4));
    }
  }

  /** The header of an output frame is here but not all its bytes: hand on what is, then stream the rest. */
  private startOutput(length: number): void {
    if (length < OUTPUT_HEADER_BYTES - 4) throw new FrameError("an output frame is too short");
    const header = this.take(OUTPUT_HEADER_BYTES);
    const channel = header.readUInt32BE(5);
    let remaining = length - (OUTPUT_HEADER_BYTES - 4);
    for (const piece of this.chunks) {
      if (piece.length > 0) this.onFrame({ kind: FRAME_OUTPUT, channel, data: piece });
      remaining -= piece.length;
    }
    this.chunks = [];
    this.buffered = 0;
    this.output = { channel, remaining };
  }

  /** Hands on the next bytes of the output frame in progress; returns what follows it. */
  private continueOutput(chunk: Buffer): Buffer {
    const output = this.output!;
    const n = Math.min(output.remaining, chunk.length);
    if (n > 0) this.onFrame({ kind: FRAME_OUTPUT, channel: output.channel, data: chunk.subarray(0, n) });
    output.remaining -= n;
    if (output.remaining === 0) this.output = undefined;
    return chunk.subarray(n);
  }

  private peekKind(): number {
    const first = this.chunks[0]!;
    return first.length >= 5 ? first[4]! : Buffer.concat(this.chunks, 5)[4]!;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    return Buffer.concat(this.chunks, 4).readUInt32BE(0);
  }

  /** Removes and returns the next `n` bytes (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const need = n - filled;
      if (chunk.length <= need) {
        chunk.copy(out, filled);
        filled += chunk.length;
        this.chunks.shift();
      } else {
        chunk.copy(out, filled, 0, need);
        this.chunks[0] = chunk.subarray(need);
        filled += need;
      }
    }
    return out;
  }

  private emit(body: Buffer): void {
    const kind = body[0];
    if (kind === FRAME_JSON) {
      let value: unknown;
      try {
        value = JSON.parse(body.toString("utf8", 1));
      } catch {
        throw new FrameError("a JSON frame is not valid JSON");
      }
      this.onFrame({ kind: FRAME_JSON, value });
      return;
    }
    if (kind === FRAME_OUTPUT) {
      if (body.length < 5) throw new FrameError("an output frame is too short");
      this.onFrame({ kind: FRAME_OUTPUT, channel: body.readUInt32BE(1), data: body.subarray(5) });
      return;
    }
    throw new FrameError(`unknown frame kind ${kind}`);
  }
}

/**
 * A socket's reads into one buffer, reused for every read (`net.connect({ onread })`), instead of
 * a new 64 KiB buffer per read. Those buffers are external memory to V8: under a flood they made
 * the app server run a full GC every few hundred milliseconds, a large part of its relay's CPU
 * (docs/flow-control.md, "Garbage").
 */
export class ReusedReadBuffer {
  private listener: ((chunk: Buffer) => void) | undefined;
  /** Copies of what arrived before anyone listened. */
  private early: Buffer[] = [];
  readonly onread: { buffer: Buffer; callback: (bytes: number, buffer: Buffer) => boolean };

  constructor(bytes = READ_BUFFER_BYTES) {
    this.onread = {
      buffer: Buffer.allocUnsafeSlow(bytes),
      callback: (n, buffer) => {
        if (this.listener) this.listener(buffer.subarray(0, n));
        else this.early.push(Buffer.from(buffer.subarray(0, n)));
        return true;
      },
    };
  }

  /** Each read's bytes, valid only during the call. */
  listen(listener: (chunk: Buffer) => void): void {
    this.listener = listener;
    const early = this.early;
    this.early = [];
    for (const chunk of early) listener(chunk);
  }
}

const READ_BUFFER_BYTES = 64 * 1024;

/**
 * One end of a host-protocol stream: frames in, frames out. `input` and `output` are the two
 * directions of one connection (the same socket, or a subprocess's stdout and stdin). A socket
 * that reads into a `ReusedReadBuffer` passes it as `reads`: its bytes come from there, not from
 * `data` events.
 */
export class FramedStream {
  private readonly reader: FrameReader;
  private closed = false;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    private readonly input: NodeJS.ReadableStream & { destroy?: (error?: Error) => void },
    private readonly output: NodeJS.WritableStream & { writableLength?: number; destroy?: (error?: Error) => void; cork?: () => void; uncork?: () => void },
    onFrame: (frame: Frame) => void,
    reads?: ReusedReadBuffer,
  ) {
    this.reader = new FrameReader(onFrame);
    const receive = (chunk: Buffer) => {
      if (this.closed) return;
      try {
        this.reader.push(chunk, reads !== undefined);
      } catch (error) {
        this.close(error instanceof FrameError ? `protocol error: ${error.message}` : `failed: ${(error as Error).message}`);
      }
    };
    if (reads) reads.listen(receive);
    else input.on("data", receive);
    input.on("end", () => this.close("the other end closed the connection"));
    input.on("close", () => this.close("the connection closed"));
    input.on("error", (error: Error) => this.close(error.message));
    output.on("error", (error: Error) => this.close(error.message));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes written but not yet taken by the kernel. */
  get writableLength(): number {
    return this.output.writableLength ?? 0;
  }

  send(value: unknown): void {
    if (this.closed) return;
    this.output.write(encodeJsonFrame(value));
  }

  sendOutput(channel: number, data: Buffer): void {
    if (this.closed) return;
    const header = encodeOutputHeader(channel, data.length);
    // Header and data in one writev: a keystroke's echo is one system call, and no batch is copied.
    this.output.cork?.();
    this.output.write(header);
    this.output.write(data);
    this.output.uncork?.();
  }

  onDrain(listener: () => void): void {
    this.output.on("drain", listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Ends the connection: what was written still goes out, unless the peer does not read it in time. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.output.end();
    const destroy = () => {
      this.output.destroy?.();
      if ((this.input as unknown) !== this.output) this.input.destroy?.();
    };
    setTimeout(destroy, CLOSE_LINGER_MS).unref();
    for (const listener of this.closeListeners) listener(reason);
  }
}
