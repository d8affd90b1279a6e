import fs from "node:fs";
import { Worker } from "node:worker_threads";
import type { ReaderCommand, ReaderPtyOptions, ReaderEvent } from "../contract/reader-protocol";
import { createWriteGate, epochNow, GATE_BACKLOG, GATE_CLOSED, GATE_FD, GATE_OPEN, GATE_STATE, GATE_WRITING, writeGateViews } from "./write-gate.mjs";

/**
 * Terminals read on their own thread.
 *
 * The kernel holds only ~20 KB between a program and whoever reads its terminal: a program that
 * prints fast is blocked within a third of a millisecond of the reader doing anything else. Read
 * on the main thread, every millisecond spent on the log, the screen mirror, the recording and
 * the viewers' sockets was a millisecond the program stood still (0.6× raw node-pty). Here one
 * worker thread (pty-reader-worker.mjs) owns every node-pty terminal and only reads and writes
 * them; the main thread processes what it hands over, in slices, so HTTP and WebSocket work is
 * never stuck behind a flood. See docs/flow-control.md.
 */

export type { ReaderPtyOptions };

export interface ReaderPtyExit {
  exitCode: number | undefined;
  signal: number | undefined;
}

/** Longest the main thread waits for the worker to spawn a program (its first start included). */
const SPAWN_TIMEOUT_MS = 15_000;
/** A drain slice hands output to sessions for at most this long before I/O gets its turn. */
const SLICE_BUDGET_MS = 2;
/** Output up to this size, with nothing queued before it, is handed over as it arrives. */
const SYNC_DELIVERY_MAX_BYTES = 4096;
/**
 * Processed bytes are reported back to the reader thread at once when this much or more is
 * waiting (a flood: the credit must come back), otherwise within ACK_DEFER_MS in one message:
 * an ack per keystroke echo woke the reader thread while the echo was on its way to the viewer,
 * one more thread wanting a core at that moment.
 */
const ACK_NOW_BYTES = 64 * 1024;
const ACK_DEFER_MS = 5;
const SPAWN_OK = 1;
const SPAWN_REPLY_BYTES = 4096;

/**
 * Keystrokes go through the write gate (write-gate.mjs) straight into the terminal's descriptor,
 * without waking the reader thread: on this VM any thread's wake-up takes 1–3 ms about once in a
 * hundred, and traced, the slowest echoes were mostly that hop. The descriptor belongs to the
 * reader thread's node-pty; the gate's state word keeps it from being closed (and its number
 * reused by another file) while the main thread writes, and its backlog word keeps a direct write
 * from overtaking a write still queued in the reader thread.
 *
 * Larger input (a paste) goes through the reader thread, which queues what the kernel refuses. */
const DIRECT_WRITE_MAX_BYTES = 1024;

/** What the drain queue holds: the reader thread's events, and session work queued by `runSoon`. */
type WorkerMessage = ReaderEvent | { op: "task"; id: 0; run: () => void };

/** One terminal in the worker, seen from the main thread. */
export class ReaderPty {
  dataListener: ((data: Buffer) => void) | undefined;
  exitListener: ((exit: ReaderPtyExit) => void) | undefined;
  /** Processed bytes not yet reported back to the worker. */
  unacked = 0;
  /** Exited or disposed: the worker no longer has it. */
  exited = false;
  private held = false;

  private readonly gate: Int32Array;
  private readonly lastWriteAt: Float64Array;

  constructor(
    private readonly host: PtyReader,
    readonly id: number,
    readonly pid: number,
    gate: SharedArrayBuffer,
  ) {
    ({ words: this.gate, lastWriteAt: this.lastWriteAt } = writeGateViews(gate));
  }

  onData(listener: (data: Buffer) => void): void {
    this.dataListener = listener;
  }

  onExit(listener: (exit: ReaderPtyExit) => void): void {
    this.exitListener = listener;
  }

  write(data: string): void {
    if (this.exited) return;
    const bytes = Buffer.from(data, "utf8");
    if (bytes.length <= DIRECT_WRITE_MAX_BYTES && this.writeDirect(bytes)) return;
    this.writeThroughHost(bytes);
  }

  private writeThroughHost(bytes: Uint8Array): void {
    Atomics.add(this.gate, GATE_BACKLOG, 1);
    this.host.send({ op: "write", id: this.id, data: bytes });
  }

  /** False when the reader thread must write it: its own writes are queued, or the terminal is closing. */
  private writeDirect(bytes: Buffer): boolean {
    // Only this thread adds backlog: once zero here, nothing of ours can be queued ahead.
    if (Atomics.load(this.gate, GATE_BACKLOG) !== 0) return false;
    if (Atomics.compareExchange(this.gate, GATE_STATE, GATE_OPEN, GATE_WRITING) !== GATE_OPEN) return false;
    try {
      this.lastWriteAt[0] = epochNow();
      let written = 0;
      try {
        written = fs.writeSync(this.gate[GATE_FD]!, bytes);
      } catch {
        // EAGAIN (the kernel's input buffer is full) or EIO (the program is gone).
      }
      if (written < bytes.length) this.writeThroughHost(bytes.subarray(written));
      return true;
    } finally {
      Atomics.store(this.gate, GATE_STATE, GATE_OPEN);
      Atomics.notify(this.gate, GATE_STATE);
    }
  }

  /**
   * How long the reader has had nothing to hand over to any terminal (0 while output is queued).
   * One shared queue serves every terminal: this one's last bytes and exit can wait behind other
   * terminals' output, so only the whole reader falling silent says that nothing more is coming.
   */
  readerQuietForMs(): number {
    return this.host.quietForMs();
  }

  /** The reader thread is gone, and the descriptor with it. */
  closeGate(): void {
    Atomics.store(this.gate, GATE_STATE, GATE_CLOSED);
  }

  resize(cols: number, rows: number): void {
    if (this.exited) return;
    // Counted as backlog until the reader thread has applied it: keys typed right after a resize
    // (a view that takes the size as it types) must not reach the program before its new size.
    Atomics.add(this.gate, GATE_BACKLOG, 1);
    this.host.send({ op: "resize", id: this.id, cols, rows });
  }

  /** Stop (or go back to) reading the terminal, e.g. while the screen mirror catches up. */
  hold(on: boolean): void {
    if (on === this.held || this.exited) return;
    this.held = on;
    this.host.send({ op: "hold", id: this.id, on });
  }

  /** Forget the terminal (killing its process if it still runs); no more data or exit. */
  dispose(): void {
    this.dataListener = undefined;
    this.exitListener = undefined;
    this.host.release(this);
  }
}

export class PtyReader {
  private worker: Worker | undefined;
  private readonly terminals = new Map<number, ReaderPty>();
  /** Terminals with processed bytes to report back at the end of the drain slice. */
  private readonly unackedTerminals = new Set<ReaderPty>();
  private nextId = 1;
  /** Messages from the worker not yet handed to their terminal, oldest first. */
  private queue: WorkerMessage[] = [];
  private queueHead = 0;
  private draining = false;
  private unackedBytes = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  /** When the worker last sent anything (performance.now()). */
  private lastMessageAt = performance.now();

  /** Starts `file` on a new terminal; throws, as node-pty does, when it cannot. */
  spawn(file: string, args: string[], options: ReaderPtyOptions): ReaderPty {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const reply = new SharedArrayBuffer(8 + SPAWN_REPLY_BYTES);
    const status = new Int32Array(reply, 0, 2);
    const gate = createWriteGate();
    this.post(worker, { op: "spawn", id, file, args, options, reply, gate });
    // Synchronous like node-pty's own spawn (a fork): callers get the pid or the error at once.
    if (Atomics.wait(status, 0, 0, SPAWN_TIMEOUT_MS) === "timed-out") {
      this.post(worker, { op: "dispose", id });
      throw new Error(`the terminal reader thread did not answer within ${SPAWN_TIMEOUT_MS / 1000} s`);
    }
    if (Atomics.load(status, 0) !== SPAWN_OK) {
      throw new Error(Buffer.from(reply, 8, status[1]).toString("utf8"));
    }
    const terminal = new ReaderPty(this, id, status[1]!, gate);
    this.terminals.set(id, terminal);
    worker.ref();
    return terminal;
  }

  /**
   * Runs `task` in the next drain slice, behind the output already queued: session work that is
   * not triggered by a delivery (a batch timer's flush) shares the slices' budget with it, so
   * twenty sessions' timers firing together cannot hold the event loop for tens of milliseconds.
   */
  runSoon(task: () => void): void {
    this.queue.push({ op: "task", id: 0, run: task });
    this.scheduleDrain();
  }

  send(message: ReaderCommand): void {
    if (this.worker) this.post(this.worker, message);
  }

  private post(worker: Worker, message: ReaderCommand): void {
    worker.postMessage(message);
  }

  release(terminal: ReaderPty): void {
    if (!this.forget(terminal)) return;
    this.send({ op: "dispose", id: terminal.id });
  }

  /** Drops a terminal the worker no longer has (or is told to drop); false if already gone. */
  private forget(terminal: ReaderPty): boolean {
    if (!this.terminals.delete(terminal.id)) return false;
    terminal.exited = true;
    // The worker settles a gone terminal's credit itself.
    this.unackedTerminals.delete(terminal);
    if (this.terminals.size === 0) this.worker?.unref();
    return true;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Plain Node, no TypeScript loader: the worker is JavaScript and must start fast.
    const worker = new Worker(new URL("./pty-reader-worker.mjs", import.meta.url), { execArgv: [] });
    worker.on("message", (messages: ReaderEvent[]) => {
      this.lastMessageAt = performance.now();
      const wasIdle = !this.draining && this.queueHead === this.queue.length;
      for (const message of messages) this.queue.push(message);
      // A little output and nothing waiting (a keystroke's echo, a prompt): hand it over now, not
      // a phase later. Floods go through the sliced drain.
      const only = messages.length === 1 ? messages[0]! : undefined;
      const small = only?.op === "data" && only.data.byteLength <= SYNC_DELIVERY_MAX_BYTES;
      if (small && wasIdle) this.drain();
      else this.scheduleDrain();
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // The worker's terminals closed with it; their programs got SIGHUP from the kernel.
      for (const terminal of [...this.terminals.values()]) {
        terminal.closeGate();
        this.queue.push({ op: "exit", id: terminal.id, exitCode: undefined, signal: 1 });
      }
      this.scheduleDrain();
      process.emitWarning(`AI Manager's terminal reader thread stopped (${reason}); its sessions ended.`);
    };
    worker.on("error", (error) => lost(error.message));
    worker.on("exit", (code) => lost(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** See ReaderPty.readerQuietForMs. */
  quietForMs(): number {
    if (this.queueHead < this.queue.length) return 0;
    return performance.now() - this.lastMessageAt;
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    // The check phase: after the poll phase has served sockets and timers.
    setImmediate(() => this.drain());
  }

  /** Hands queued output to the sessions for one slice, then yields to I/O if more is left. */
  private drain(): void {
    this.draining = true;
    const start = performance.now();
    try {
      while (this.queueHead < this.queue.length) {
        const message = this.queue[this.queueHead]!;
        this.queue[this.queueHead++] = undefined as unknown as WorkerMessage;
        try {
          this.deliver(message);
        } catch (error) {
          // A listener's bug must not stop every other terminal's output.
          console.error("AI Manager: a terminal output listener failed:", error);
        }
        if (performance.now() - start >= SLICE_BUDGET_MS) break;
      }
    } finally {
      if (this.queueHead >= this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      } else if (this.queueHead > 1024) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (this.unackedBytes >= ACK_NOW_BYTES) this.reportProcessed();
      else if (this.unackedBytes > 0 && !this.ackTimer) this.ackTimer = setTimeout(() => this.reportProcessed(), ACK_DEFER_MS).unref();
      this.draining = false;
      if (this.queue.length > 0) this.scheduleDrain();
    }
  }

  private reportProcessed(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    for (const terminal of this.unackedTerminals) {
      if (terminal.unacked > 0) this.send({ op: "ack", id: terminal.id, bytes: terminal.unacked });
      terminal.unacked = 0;
    }
    this.unackedTerminals.clear();
    this.unackedBytes = 0;
  }

  private deliver(message: WorkerMessage): void {
    if (message.op === "task") return message.run();
    const terminal = this.terminals.get(message.id);
    if (!terminal) return;
    if (message.op === "data") {
      terminal.unacked += message.data.byteLength;
      this.unackedBytes += message.data.byteLength;
      this.unackedTerminals.add(terminal);
      terminal.dataListener?.(Buffer.from(message.data));
      return;
    }
    this.forget(terminal);
    terminal.exitListener?.({ exitCode: message.exitCode, signal: message.signal });
  }
}

/** One reader per process: all sessions share the reader thread. */
const HOST_KEY = Symbol.for("ai-manager.pty-reader");

export function ptyReader(): PtyReader {
  const holder = globalThis as unknown as Record<symbol, PtyReader | undefined>;
  return (holder[HOST_KEY] ??= new PtyReader());
}
