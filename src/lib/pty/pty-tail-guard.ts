import fs from "node:fs";
import type { IPty } from "node-pty";

/**
 * Keeps the last bytes a program printed before it exited.
 *
 * node-pty (1.1.0, Linux) destroys its read socket when the program's side of the terminal closes
 * (EOF/EIO) or 200 ms after the exit, whichever comes first — and anything still in the kernel's
 * buffers at that moment is lost. Under load (a busy event loop) that is kilobytes of the tail.
 * Two measures, both on node-pty's internals (pinned version):
 *  1. we hold our own handle on the terminal's slave side, so the program's exit does not hang up
 *     the terminal before we have read everything;
 *  2. right before node-pty destroys the socket we read the master side dry, synchronously, and
 *     hand what we got to the normal data path.
 */

interface PtyInternals {
  _socket?: { destroy: (...args: unknown[]) => unknown; _readableState?: { decoder?: { write(buf: Buffer): string } } };
  _fd?: number;
  _pty?: string;
}

const DRAIN_CHUNK = 64 * 1024;

export function guardOutputTail(ptyProcess: IPty, onData: (data: string | Buffer) => void): () => void {
  if (process.platform === "win32") return () => undefined;
  const internals = ptyProcess as unknown as PtyInternals;
  const socket = internals._socket;
  const masterFd = internals._fd;
  if (!socket || typeof masterFd !== "number") return () => undefined;

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
      try {
        fs.closeSync(slaveFd);
      } catch {
        // Already closed.
      }
      slaveFd = -1;
    }
  };

  const originalDestroy = socket.destroy.bind(socket);
  let drained = false;
  socket.destroy = (...args: unknown[]) => {
    if (!drained) {
      drained = true;
      const buf = Buffer.allocUnsafe(DRAIN_CHUNK);
      // The socket's own decoder may hold the first bytes of a split UTF-8 character.
      const decoder = socket._readableState?.decoder;
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(masterFd, buf, 0, buf.length, null);
        } catch {
          break; // EAGAIN: nothing left; EIO: the terminal is gone.
        }
        if (n <= 0) break;
        const chunk = Buffer.from(buf.subarray(0, n));
        // A terminal read as bytes (`encoding: null`) has no decoder: hand the bytes on as they are.
        const data = decoder ? decoder.write(chunk) : chunk;
        if (data.length > 0) onData(data);
      }
      closeSlave();
    }
    return originalDestroy(...args);
  };
  return closeSlave;
}
