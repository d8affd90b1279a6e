/**
 * The messages between the main thread (host/pty-reader.ts) and the terminal host thread
 * (host/pty-reader-worker.mjs), defined once for both ends. The worker is plain JavaScript (it must
 * start without a TypeScript loader) and names these types in its JSDoc. Types only: nothing here
 * exists at run time.
 *
 * Besides these messages the two ends share memory: the spawn reply (`reply`: status word, then
 * the pid or an error message) and each terminal's write gate (host/write-gate.mjs).
 */

export interface ReaderPtyOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

/** Main thread → host thread. */
export type ReaderCommand =
  /** Start `file` on a new terminal; answered through `reply`, synchronously for the caller. */
  | { op: "spawn"; id: number; file: string; args: string[]; options: ReaderPtyOptions; reply: SharedArrayBuffer; gate: SharedArrayBuffer }
  /** Input the write gate did not take directly (too large, or behind a queued write). */
  | { op: "write"; id: number; data: Uint8Array }
  | { op: "resize"; id: number; cols: number; rows: number }
  /** Stop (`on`) or resume reading the terminal: the screen mirror is behind, or a snapshot waits. */
  | { op: "hold"; id: number; on: boolean }
  /** Output bytes the main thread has processed: credit returned to the host. */
  | { op: "ack"; id: number; bytes: number }
  /** Forget the terminal and kill what still runs on it. */
  | { op: "dispose"; id: number };

/** Host thread → main thread, posted in batches (`ReaderEvent[]` per message). */
export type ReaderEvent =
  /** Output as read from the PTY; the buffer is transferred, not copied. */
  | { op: "data"; id: number; data: ArrayBuffer }
  | { op: "exit"; id: number; exitCode: number | undefined; signal: number | undefined };
