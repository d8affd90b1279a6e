import fs from "node:fs";
import path from "node:path";
import type { ExitInfo, OutputSink } from "../host/pty-session";

/**
 * Records one execution as an asciicast v2 file: a JSON header line, then `[seconds, "o", data]`
 * output events and `[seconds, "r", "COLSxROWS"]` resizes. Events are buffered and appended in
 * batches, never more than FLUSH_INTERVAL_MS behind the PTY, so a crash (even kill -9) loses at
 * most that much. Past `maxBytes` the recording stops growing and says so in a last event.
 */

/** Longest time an event waits in memory before it reaches the file. */
export const FLUSH_INTERVAL_MS = 500;
/**
 * A flood is written as soon as this much is buffered: no single synchronous write holds the
 * event loop long (1 MiB writes took milliseconds under load), and buffered events rarely live
 * long enough to be copied by the young-generation GC.
 */
export const FLUSH_BYTES = 64 * 1024;
/** Bytes kept free below the cap for the event that says the recording was cut. */
const CUT_MARKER_RESERVE = 512;
/** Output closer together than this is recorded as one event: fewer, larger events. */
const COALESCE_MS = 10;
/**
 * …up to this size: a flood's batches are events of their own, so no event string grows past
 * V8's young generation (joining them cost more in GC than it saved).
 */
const COALESCE_MAX_CHARS = 32 * 1024;
/**
 * At flush, pieces this long are written on their own; shorter ones are joined into writes of
 * about this size. No Buffers: strings are encoded by fs.writeSync outside the JS heap (Buffers
 * of a 100 MB flood counted as external memory and tripled the GC time).
 */
const WRITE_CHUNK_CHARS = 16 * 1024;

export interface RecordingHeader {
  width: number;
  height: number;
  title?: string;
  command?: string;
  env?: Record<string, string>;
}

export function recordingPath(dataDir: string, executionId: string): string {
  return path.join(dataDir, "recordings", `${executionId}.cast`);
}

export class AsciicastWriter implements OutputSink {
  private fd: number | undefined;
  /** Event offsets count from here (ms since the epoch). */
  readonly startedAt = Date.now();
  /** Lines waiting for the next flush (an event's JSON and its newline are separate pieces). */
  private pending: string[] = [];
  /** The UTF-8 size of each pending piece, known when it was queued: not counted again to write it. */
  private pendingSizes: number[] = [];
  private pendingBytes = 0;
  private bytesWritten = 0;
  /** Output being coalesced into one event: its pieces, joined once (a `+=` rope makes JSON.stringify ~5× slower). */
  private lastOutput: { time: number; parts: string[]; chars: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cut = false;
  private closed = false;

  constructor(
    readonly file: string,
    header: RecordingHeader,
    private readonly maxBytes: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      this.fd = fs.openSync(file, "a", 0o600);
      const line = JSON.stringify({
        version: 2,
        width: header.width,
        height: header.height,
        timestamp: Math.floor(this.startedAt / 1000),
        ...(header.title ? { title: header.title } : {}),
        ...(header.command ? { command: header.command } : {}),
        env: header.env ?? { TERM: "xterm-256color" },
      });
      this.append(`${line}\n`);
      this.flush();
    } catch (error) {
      this.fail(error);
    }
  }

  get size(): number {
    return this.bytesWritten + this.pendingBytes;
  }

  get truncated(): boolean {
    return this.cut;
  }

  output(data: string): void {
    if (this.closed || this.cut || this.fd === undefined) return;
    const now = this.elapsed();
    if (this.lastOutput && now - this.lastOutput.time < COALESCE_MS / 1000 && this.lastOutput.chars + data.length <= COALESCE_MAX_CHARS) {
      this.lastOutput.parts.push(data);
      this.lastOutput.chars += data.length;
    } else {
      this.commitOutput();
      this.lastOutput = { time: now, parts: [data], chars: data.length };
    }
    if (this.pendingBytes + this.lastOutput.chars >= FLUSH_BYTES) this.flush();
    else this.schedule();
  }

  resize(cols: number, rows: number): void {
    if (this.closed || this.cut || this.fd === undefined) return;
    this.commitOutput();
    this.event(this.elapsed(), "r", `${cols}x${rows}`);
    this.schedule();
  }

  end(_exit: ExitInfo): void {
    this.close();
  }

  /** Writes everything buffered, synchronously: used on exit and at shutdown. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.commitOutput();
    if (this.fd === undefined || this.pending.length === 0) return;
    const pieces = this.pending;
    const sizes = this.pendingSizes;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingSizes = [];
    this.pendingBytes = 0;
    try {
      writePieces(this.fd, pieces, sizes);
      this.bytesWritten += bytes;
    } catch (error) {
      this.fail(error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already closed.
      }
      this.fd = undefined;
    }
  }

  /**
   * Seconds since `startedAt` by the wall clock. So the times written can go backwards, and below
   * zero, when the clock is stepped back while the run goes on (NTP, a manual change, a resumed
   * VM); readers keep such events and hold their time at the previous event's (`CastClock` in
   * cast-parser.ts). Nothing else here makes a time smaller: events are stamped in order.
   */
  private elapsed(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  private commitOutput(): void {
    if (!this.lastOutput) return;
    const { time, parts } = this.lastOutput;
    this.lastOutput = undefined;
    this.event(time, "o", parts.length === 1 ? parts[0]! : parts.join(""));
  }

  private event(time: number, type: "o" | "r", data: string): void {
    const t = Math.round(time * 1e6) / 1e6;
    const json = JSON.stringify([t, type, data]);
    const bytes = Buffer.byteLength(json) + 1;
    if (this.size + bytes > this.maxBytes - CUT_MARKER_RESERVE) {
      this.cut = true;
      // Keep what still fits, so the recording runs right up to its cap.
      let room = this.maxBytes - CUT_MARKER_RESERVE - this.size;
      if (type === "o" && room > 64) {
        let part = data.slice(0, room);
        let partLine = `${JSON.stringify([t, "o", part])}\n`;
        while (part.length > 0 && Buffer.byteLength(partLine) > room) {
          const over = Buffer.byteLength(partLine) - room;
          part = part.slice(0, Math.max(0, part.length - Math.max(over, 16)));
          partLine = `${JSON.stringify([t, "o", part])}\n`;
        }
        if (part.length > 0) {
          this.append(partLine);
          room -= Buffer.byteLength(partLine);
        }
      }
      const limitMb = (this.maxBytes / (1024 * 1024)).toFixed(0);
      this.append(
        `${JSON.stringify([Math.round(time * 1e6) / 1e6, "o", `\r\n\x1b[0m[AI Manager: the recording was cut here at ${limitMb} MB (setting terminal.recordingMaxBytes); the run went on]\r\n`])}\n`,
      );
      this.flush();
      return;
    }
    // The newline is a piece of its own: `json + "\n"` would copy the whole event to flatten it.
    this.pending.push(json, "\n");
    this.pendingSizes.push(bytes - 1, 1);
    this.pendingBytes += bytes;
  }

  private append(text: string): void {
    const bytes = Buffer.byteLength(text);
    this.pending.push(text);
    this.pendingSizes.push(bytes);
    this.pendingBytes += bytes;
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private fail(error: unknown): void {
    this.onError(error);
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Ignore.
      }
    }
    this.fd = undefined;
    this.closed = true;
  }
}

/** Writes `pieces` in order: long ones on their own, short ones joined (see WRITE_CHUNK_CHARS). */
function writePieces(fd: number, pieces: string[], sizes: number[]): void {
  let group: string[] = [];
  let groupChars = 0;
  let groupBytes = 0;
  const writeGroup = () => {
    if (group.length === 0) return;
    writeString(fd, group.length === 1 ? group[0]! : group.join(""), groupBytes);
    group = [];
    groupChars = 0;
    groupBytes = 0;
  };
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.length >= WRITE_CHUNK_CHARS) {
      writeGroup();
      writeString(fd, piece, sizes[i]!);
      continue;
    }
    group.push(piece);
    groupChars += piece.length;
    groupBytes += sizes[i]!;
    if (groupChars >= WRITE_CHUNK_CHARS) writeGroup();
  }
  writeGroup();
}

/** fs.writeSync of a string of `bytes` UTF-8 bytes until all of it is written (a regular file may take less). */
function writeString(fd: number, text: string, bytes: number): void {
  const written = fs.writeSync(fd, text);
  if (written < bytes) {
    const rest = Buffer.from(text).subarray(written);
    let at = 0;
    while (at < rest.length) at += fs.writeSync(fd, rest, at);
  }
}
