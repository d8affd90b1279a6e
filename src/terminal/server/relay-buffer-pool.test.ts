import { describe, expect, it } from "vitest";
import { RelayBufferPool } from "./relay-buffer-pool";

describe("RelayBufferPool", () => {
  it("copies a piece, so the source can be overwritten while the copy is still being written", () => {
    const pool = new RelayBufferPool(16, 4);
    const source = Buffer.from("hello world");
    const copy = pool.copy(source);
    source.fill(0);
    expect(copy.bytes.toString()).toBe("hello world");
  });

  it("reuses a buffer only after it was released, and counts a double release once", () => {
    const pool = new RelayBufferPool(16, 4);
    const a = pool.copy(Buffer.from("aaaa"));
    const b = pool.copy(Buffer.from("bbbb"));
    expect(a.bytes.buffer).not.toBe(b.bytes.buffer);
    a.release();
    a.release();
    expect(pool.freeCount).toBe(1);
    const c = pool.copy(Buffer.from("cc"));
    expect(c.bytes.buffer).toBe(a.bytes.buffer);
    expect(c.bytes.toString()).toBe("cc");
    expect(b.bytes.toString()).toBe("bbbb");
  });

  it("keeps at most `keep` free buffers and does not pool pieces larger than its buffers", () => {
    const pool = new RelayBufferPool(8, 2);
    const copies = [1, 2, 3].map((n) => pool.copy(Buffer.alloc(n, n)));
    for (const copy of copies) copy.release();
    expect(pool.freeCount).toBe(2);
    const large = pool.copy(Buffer.alloc(9, 9));
    expect(large.bytes.length).toBe(9);
    large.release();
    expect(pool.freeCount).toBe(2);
  });
});
