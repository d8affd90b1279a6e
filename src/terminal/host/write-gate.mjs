// @ts-check
/**
 * The write gate: a SharedArrayBuffer per terminal, shared by the main thread (pty-reader.ts) and
 * the terminal host thread (pty-reader-worker.mjs), through which the main thread writes keystrokes
 * straight into the terminal's descriptor (docs/flow-control.md, "Latency"). One layout for both.
 *
 * Int32 words: the state (below), the descriptor, the backlog (writes handed to the host thread
 * and not yet in the kernel: a direct write must not overtake them). At byte 16 a Float64: when
 * input was last written, in ms since the epoch (the host's echo window).
 */
export const GATE_STATE = 0;
export const GATE_FD = 1;
export const GATE_BACKLOG = 2;
/** Zero, so that a gate the host thread never opened stays shut. */
export const GATE_CLOSED = 0;
export const GATE_OPEN = 1;
/** The main thread is writing: the host waits before it lets the descriptor be closed. */
export const GATE_WRITING = 2;

const WORDS = 4;
const LAST_WRITE_OFFSET = 16;

export function createWriteGate() {
  return new SharedArrayBuffer(LAST_WRITE_OFFSET + Float64Array.BYTES_PER_ELEMENT);
}

/** @param {SharedArrayBuffer} buffer */
export function writeGateViews(buffer) {
  return { words: new Int32Array(buffer, 0, WORDS), lastWriteAt: new Float64Array(buffer, LAST_WRITE_OFFSET, 1) };
}

/** Milliseconds since the epoch: comparable between threads (performance.now() is not). */
export function epochNow() {
  return performance.timeOrigin + performance.now();
}
