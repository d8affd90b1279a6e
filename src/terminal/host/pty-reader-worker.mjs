// @ts-check
/**
 * The terminal reader: a worker thread that owns every node-pty terminal of the process and does
 * nothing but read them, write to them and pass bytes on (see pty-reader.ts for the main side and
 * docs/flow-control.md for why). Plain JavaScript so it starts without a TypeScript loader.
 *
 * Messages from the main thread: spawn (answered through a SharedArrayBuffer, so spawning stays
 * synchronous), write, resize, hold (pause for the main thread's own reasons), ack (bytes the main
 * thread has processed), dispose. To the main thread: arrays of data (an ArrayBuffer,
 * transferred) and exit messages, in the order they happened for each terminal.
 */
import fs from "node:fs";
import { parentPort } from "node:worker_threads";
import { epochNow, GATE_BACKLOG, GATE_CLOSED, GATE_FD, GATE_OPEN, GATE_STATE, GATE_WRITING, writeGateViews } from "./write-gate.mjs";

/**
 * Loaded here rather than imported at the top, so that a broken install (the native module not
 * built) answers every spawn with its error instead of killing the thread silently.
 * @type {typeof import("node-pty") | undefined}
 */
let pty;
/** @type {unknown} */
let ptyLoadError;
try {
  pty = await import("node-pty");
} catch (error) {
  ptyLoadError = error;
}

/** Output this soon after input is passed on at once: most likely the echo of a keystroke. */
const ECHO_WINDOW_MS = 30;
/** Other output goes at once after a quiet spell; during a stream at most this often… */
const COALESCE_MS = 1;
/**
 * …or as soon as this much is waiting. With the read that crosses it (≤ 4 KiB), a post stays
 * within the session's batch (MAX_BATCH_BYTES), so the main thread never joins two posts, and it
 * is a full batch (BATCH_FULL_BYTES): handed on at once. Both in contract/flow-control.ts.
 */
const MAX_POST_BYTES = 60 * 1024;
/** Stop reading a terminal while this much of its output waits for the main thread… */
const IN_FLIGHT_HIGH = 1024 * 1024;
/** …and read again once the main thread is back under this. */
const IN_FLIGHT_LOW = 256 * 1024;
/**
 * All terminals together: past this, a terminal that posts is held until the total is back under
 * TOTAL_IN_FLIGHT_LOW. Twenty floods could otherwise queue 20 MB for a main thread that is behind
 * anyway: memory its GC has to handle, and runnable programs taking CPU from it (4 MiB here gave
 * a buffer-read p99 of 25–28 ms under twenty floods, 1 MiB 15–17 ms at the same flood rate).
 */
const TOTAL_IN_FLIGHT_HIGH = 1024 * 1024;
const TOTAL_IN_FLIGHT_LOW = 512 * 1024;
const DRAIN_CHUNK = 64 * 1024;

const SPAWN_OK = 1;
const SPAWN_FAILED = 2;

/** How often a write waiting in node-pty's queue is checked for having reached the kernel. */
const BACKLOG_CHECK_MS = 5;

/**
 * @typedef {{
 *   id: number, term: import("node-pty").IPty,
 *   pending: Buffer[], pendingBytes: number, timer: NodeJS.Timeout | undefined,
 *   lastPostAt: number, inFlight: number, creditPaused: boolean, held: boolean, paused: boolean,
 *   exited: boolean, disposed: boolean, releaseTail: () => void,
 *   gate: Int32Array, lastWriteAt: Float64Array, queuedWrites: number, backlogTimer: NodeJS.Timeout | undefined,
 * }} Terminal
 */

/** @type {Map<number, Terminal>} */
const terminals = new Map();
let totalInFlight = 0;
const port = parentPort;
if (!port) throw new Error("pty-reader-worker.mjs runs as a worker thread");

port.on("message", (/** @type {import("../contract/reader-protocol").ReaderCommand} */ message) => {
  switch (message.op) {
    case "spawn":
      return spawn(message);
    case "write": {
      const t = terminals.get(message.id);
      if (t && !t.exited) {
        t.lastWriteAt[0] = epochNow();
        write(t, message.data);
        t.queuedWrites += 1;
        settleBacklog(t);
      } else if (t) {
        // Nothing will be written: it holds nothing up.
        Atomics.sub(t.gate, GATE_BACKLOG, 1);
      }
      return;
    }
    case "resize": {
      const t = terminals.get(message.id);
      if (t && !t.exited) guarded(() => t.term.resize(message.cols, message.rows));
      // The main thread counted it as backlog (pty-reader.ts): its direct writes may go on now.
      if (t) Atomics.sub(t.gate, GATE_BACKLOG, 1);
      return;
    }
    case "hold": {
      const t = terminals.get(message.id);
      if (t) {
        t.held = message.on;
        updatePause(t);
      }
      return;
    }
    case "ack": {
      const t = terminals.get(message.id);
      if (t) acked(t, message.bytes);
      return;
    }
    case "dispose": {
      const t = terminals.get(message.id);
      if (!t) return;
      terminals.delete(message.id);
      // The main thread forgot it: what it still prints is dropped, and never counts as in flight
      // (a background job can keep a terminal printing after its main process was killed).
      t.disposed = true;
      t.pending = [];
      t.pendingBytes = 0;
      acked(t, t.inFlight);
      t.held = false;
      t.creditPaused = false;
      updatePause(t);
      if (t.timer) clearTimeout(t.timer);
      if (t.backlogTimer) clearTimeout(t.backlogTimer);
      t.releaseTail();
      guarded(() => t.term.kill("SIGKILL"));
      return;
    }
  }
});

/** @param {Extract<import("../contract/reader-protocol").ReaderCommand, { op: "spawn" }>} message */
function spawn(message) {
  const status = new Int32Array(message.reply, 0, 2);
  try {
    if (!pty) throw new Error(`node-pty could not be loaded: ${ptyLoadError instanceof Error ? ptyLoadError.message : String(ptyLoadError)}`);
    const term = pty.spawn(message.file, message.args, { ...message.options, encoding: null });
    const views = writeGateViews(message.gate);
    /** @type {Terminal} */
    const t = {
      id: message.id,
      term,
      pending: [],
      pendingBytes: 0,
      timer: undefined,
      lastPostAt: 0,
      inFlight: 0,
      creditPaused: false,
      held: false,
      paused: false,
      exited: false,
      disposed: false,
      releaseTail: () => undefined,
      // The write gate (write-gate.mjs): open once the descriptor is known, shut before it closes.
      gate: views.words,
      lastWriteAt: views.lastWriteAt,
      queuedWrites: 0,
      backlogTimer: undefined,
    };
    terminals.set(message.id, t);
    // With `encoding: null` node-pty hands Buffers (its typings say string).
    term.onData((data) => onData(t, /** @type {Buffer} */ (/** @type {unknown} */ (data))));
    const tail = guardOutputTail(term, (data) => onData(t, data), {
      // The program is gone: nothing holds its terminal back any more (see updatePause).
      onProgramExit: () => {
        t.exited = true;
        updatePause(t);
      },
      beforeClose: () => shutGate(t),
    });
    t.releaseTail = tail.releaseTail;
    const fd = /** @type {{ _fd?: unknown }} */ (/** @type {unknown} */ (term))._fd;
    // Only when closing the descriptor goes through the guard can the main thread write to it.
    if (tail.guardsClose && typeof fd === "number") {
      t.gate[GATE_FD] = fd;
      Atomics.store(t.gate, GATE_STATE, GATE_OPEN);
    }
    term.onExit(({ exitCode, signal }) => {
      t.exited = true;
      post(t);
      t.releaseTail();
      send({ op: "exit", id: message.id, exitCode, signal });
      // The main thread forgets an exited terminal: its bytes in flight will never be acked.
      if (terminals.delete(message.id)) acked(t, t.inFlight);
    });
    status[1] = term.pid;
    Atomics.store(status, 0, SPAWN_OK);
  } catch (error) {
    const text = Buffer.from(String(error instanceof Error ? error.message : error)).subarray(0, message.reply.byteLength - 8);
    new Uint8Array(message.reply, 8).set(text);
    status[1] = text.length;
    Atomics.store(status, 0, SPAWN_FAILED);
  }
  Atomics.notify(status, 0);
}

/**
 * Output goes out (at the end of this turn, see `send`) when a post is full, when it follows
 * input (an echo) or a quiet spell; in a stream, every COALESCE_MS.
 * @param {Terminal} t
 * @param {Buffer} data
 */
function onData(t, data) {
  if (data.length === 0 || t.disposed) return;
  t.pending.push(data);
  t.pendingBytes += data.length;
  const now = performance.now();
  const echo = performance.timeOrigin + now - /** @type {number} */ (t.lastWriteAt[0]) < ECHO_WINDOW_MS;
  if (t.pendingBytes >= MAX_POST_BYTES || echo || now - t.lastPostAt >= COALESCE_MS) {
    post(t);
  } else if (!t.timer) {
    t.timer = setTimeout(() => post(t), COALESCE_MS);
  }
}

/** @param {Terminal} t */
function post(t) {
  if (t.timer) {
    clearTimeout(t.timer);
    t.timer = undefined;
  }
  if (t.pendingBytes === 0 || t.disposed) return;
  const buf = t.pending.length === 1 ? /** @type {Buffer} */ (t.pending[0]) : Buffer.concat(t.pending, t.pendingBytes);
  t.pending = [];
  t.lastPostAt = performance.now();
  t.inFlight += t.pendingBytes;
  totalInFlight += t.pendingBytes;
  t.pendingBytes = 0;
  // Transfer the memory when the Buffer owns all of it; small Buffers share Node's pool: copy those.
  const owned = buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer;
  const data = owned ? /** @type {ArrayBuffer} */ (buf.buffer) : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  send({ op: "data", id: t.id, data }, /** @type {ArrayBuffer} */ (data));
  if (!t.exited && !t.creditPaused && (t.inFlight >= IN_FLIGHT_HIGH || totalInFlight >= TOTAL_IN_FLIGHT_HIGH)) {
    t.creditPaused = true;
    updatePause(t);
  }
}

/**
 * A keystroke goes straight into the terminal: node-pty's own write takes a trip through libuv's
 * thread pool (shared with the main thread's file I/O) even when the kernel has room. Whatever
 * the kernel does not take at once, and anything behind earlier queued input, goes through
 * node-pty's queue, in order.
 * @param {Terminal} t
 * @param {string | Uint8Array} data
 */
function write(t, data) {
  const internals = /** @type {{ _fd?: number, _writeStream?: { _writeQueue?: unknown[] } }} */ (/** @type {unknown} */ (t.term));
  const queue = internals._writeStream?._writeQueue;
  const fd = internals._fd;
  let buf = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof fd === "number" && Array.isArray(queue) && queue.length === 0) {
    try {
      const written = fs.writeSync(fd, buf);
      if (written >= buf.length) return;
      buf = buf.subarray(written);
    } catch {
      // EAGAIN (the kernel buffer is full) or the terminal is closing: node-pty's queue handles both.
    }
  }
  // node-pty 1.1 queues Buffers as they are (its typings say string): a split character stays whole.
  guarded(() => t.term.write(/** @type {string} */ (/** @type {unknown} */ (buf))));
}

/**
 * The main thread processed `bytes` of `t`'s output.
 * @param {Terminal} t
 * @param {number} bytes
 */
function acked(t, bytes) {
  const done = Math.min(bytes, t.inFlight);
  t.inFlight -= done;
  totalInFlight -= done;
  if (totalInFlight > TOTAL_IN_FLIGHT_LOW) return;
  for (const other of terminals.values()) {
    if (other.creditPaused && other.inFlight <= IN_FLIGHT_LOW) {
      other.creditPaused = false;
      updatePause(other);
    }
  }
}

/** Messages for the main thread, sent together at the end of this turn of the event loop. */
/** @type {import("../contract/reader-protocol").ReaderEvent[]} */
let outbox = [];
/** @type {ArrayBuffer[]} */
let outboxTransfer = [];

/**
 * Twenty floods post thousands of chunks a second; each message costs the main thread a wake-up
 * and an event, so one turn's messages (all terminals) travel as one batch. A keystroke's echo
 * read in the poll phase still leaves in the same turn (the check phase).
 * @param {import("../contract/reader-protocol").ReaderEvent} message
 * @param {ArrayBuffer} [transfer]
 */
function send(message, transfer) {
  if (outbox.length === 0) setImmediate(sendOutbox);
  outbox.push(message);
  if (transfer) outboxTransfer.push(transfer);
}

function sendOutbox() {
  const messages = outbox;
  const transfer = outboxTransfer;
  outbox = [];
  outboxTransfer = [];
  if (messages.length > 0) port.postMessage(messages, transfer);
}

/** @param {Terminal} t */
function updatePause(t) {
  // Once the program is gone nothing holds its terminal back: what it left is read to the end.
  const pause = !t.exited && (t.held || t.creditPaused);
  if (pause === t.paused) return;
  t.paused = pause;
  guarded(() => (pause ? t.term.pause() : t.term.resume()));
}

/** @param {() => unknown} fn */
function guarded(fn) {
  try {
    fn();
  } catch {
    // The terminal closed in between; its exit is reported by node-pty.
  }
}

/**
 * Writes handed over by the main thread count as its backlog until they reached the kernel (not
 * just node-pty's queue): until then the main thread must not write around them.
 * @param {Terminal} t
 */
function settleBacklog(t) {
  if (t.queuedWrites === 0) return;
  const queue = /** @type {{ _writeStream?: { _writeQueue?: unknown[] } }} */ (/** @type {unknown} */ (t.term))._writeStream?._writeQueue;
  if (t.exited || !Array.isArray(queue) || queue.length === 0) {
    Atomics.sub(t.gate, GATE_BACKLOG, t.queuedWrites);
    t.queuedWrites = 0;
    return;
  }
  t.backlogTimer ??= setTimeout(() => {
    t.backlogTimer = undefined;
    settleBacklog(t);
  }, BACKLOG_CHECK_MS);
}

/**
 * Shuts the gate before the descriptor is closed: waits out a write the main thread is making
 * (a single small writeSync), then no more come.
 * @param {Terminal} t
 */
function shutGate(t) {
  for (;;) {
    const state = Atomics.compareExchange(t.gate, GATE_STATE, GATE_OPEN, GATE_CLOSED);
    if (state !== GATE_WRITING) return;
    Atomics.wait(t.gate, GATE_STATE, GATE_WRITING, 100);
  }
}

/**
 * Keeps the last bytes a program printed before it exited, without delaying the exit.
 *
 * node-pty (1.1.0, Linux) destroys its read socket when the program's side of the terminal closes
 * (EOF/EIO) or 200 ms after the exit, whichever comes first — and anything still in the kernel's
 * buffers at that moment is lost. Under load that is kilobytes of the tail. So, on node-pty's
 * internals (pinned version):
 *  1. we hold our own handle on the terminal's slave side, so the program's exit does not hang up
 *     the terminal before we have read everything;
 *  2. when node-pty learns that the program exited (its exit callback sets `_boundClose`), we
 *     stop holding the terminal back, hand on what node-pty's socket already read but kept
 *     buffered (a paused socket keeps up to its high-water mark), read the master side dry,
 *     synchronously, into the same data path — in that order, oldest first — and close our
 *     handle: the terminal hangs up at once and node-pty reports the exit, instead of waiting out
 *     its 200 ms timer (measured: every exit came 205–210 ms after the program's last write; raw
 *     node-pty, 3–4 ms);
 *  3. right before node-pty destroys the socket (that timer, when something the program started
 *     still holds the terminal) we do the same again: a destroyed socket drops its buffer.
 *
 * @param {import("node-pty").IPty} term
 * @param {(data: Buffer) => void} onTail
 * @param {{ onProgramExit: () => void, beforeClose: () => void }} hooks `onProgramExit`: the
 *   program exited (called before the drain); `beforeClose`: called once, before node-pty closes
 *   the master's descriptor
 * @returns {{ releaseTail: () => void, guardsClose: boolean }} `releaseTail` closes our slave
 *   handle; `guardsClose`: the descriptor is closed only after `beforeClose`
 */
function guardOutputTail(term, onTail, { onProgramExit, beforeClose }) {
  const unguarded = { releaseTail: () => undefined, guardsClose: false };
  if (process.platform === "win32") return unguarded;
  const internals = /** @type {{ _socket?: { destroy: (...args: unknown[]) => unknown }, _fd?: number, _pty?: string, _boundClose?: boolean }} */ (
    /** @type {unknown} */ (term)
  );
  const socket = internals._socket;
  const masterFd = internals._fd;
  if (!socket || typeof masterFd !== "number") return unguarded;

  let slaveFd = -1;
  if (typeof internals._pty === "string" && internals._pty.startsWith("/dev/")) {
    try {
      slaveFd = fs.openSync(internals._pty, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
    } catch {
      slaveFd = -1;
    }
  }
  const closeSlave = () => {
    if (slaveFd >= 0) {
      guarded(() => fs.closeSync(slaveFd));
      slaveFd = -1;
    }
  };
  // Once node-pty has destroyed the socket the master's descriptor is closed, and its number may
  // already belong to another file: never read it again.
  let destroyed = false;
  const stream = /** @type {{ read?: () => unknown, readableLength?: number }} */ (/** @type {unknown} */ (socket));
  const drain = () => {
    if (destroyed) return;
    // First what the socket read and kept (it emits it as 'data': node-pty's normal path)…
    while (typeof stream.read === "function" && (stream.readableLength ?? 0) > 0) {
      if (stream.read() === null) break;
    }
    // …then what is still in the kernel.
    const buf = Buffer.allocUnsafe(DRAIN_CHUNK);
    for (;;) {
      let n;
      try {
        n = fs.readSync(masterFd, buf, 0, buf.length, null);
      } catch {
        break; // EAGAIN: nothing left; EIO: the terminal is gone.
      }
      if (n <= 0) break;
      onTail(Buffer.from(buf.subarray(0, n)));
    }
  };

  if (typeof internals._boundClose === "boolean") {
    let boundClose = internals._boundClose;
    Object.defineProperty(term, "_boundClose", {
      configurable: true,
      enumerable: true,
      get: () => boundClose,
      set: (value) => {
        boundClose = value;
        if (!value || slaveFd < 0) return;
        onProgramExit();
        drain();
        closeSlave();
      },
    });
  }
  const originalDestroy = socket.destroy.bind(socket);
  socket.destroy = (...args) => {
    drain();
    closeSlave();
    if (!destroyed) beforeClose();
    destroyed = true;
    return originalDestroy(...args);
  };
  return { releaseTail: closeSlave, guardsClose: true };
}
