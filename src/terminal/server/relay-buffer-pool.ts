/**
 * Buffers for output on its way from the host connection to a viewer's socket. The host
 * connection's read buffer is reused at the next read, while a socket write may hold its data
 * until the kernel takes it; so each piece is copied into a buffer from here, given back once
 * written. A copy costs little; a new buffer per piece is external memory to V8, and under a
 * flood that made the app server run a full GC every few hundred milliseconds.
 */
export class RelayBufferPool {
  private readonly free: Buffer[] = [];

  /** `pieceBytes`: the largest piece pooled (the read buffer's size); `keep`: free buffers kept. */
  constructor(
    private readonly pieceBytes: number,
    private readonly keep: number,
  ) {}

  /** A copy of `data`, and `release` to call once nothing reads the copy any more (at most once). */
  copy(data: Buffer): { bytes: Buffer; release: () => void } {
    if (data.length > this.pieceBytes) return { bytes: Buffer.from(data), release: () => {} };
    const buffer = this.free.pop() ?? Buffer.allocUnsafeSlow(this.pieceBytes);
    data.copy(buffer);
    let released = false;
    return {
      bytes: buffer.subarray(0, data.length),
      release: () => {
        if (released) return;
        released = true;
        if (this.free.length < this.keep) this.free.push(buffer);
      },
    };
  }

  get freeCount(): number {
    return this.free.length;
  }
}
