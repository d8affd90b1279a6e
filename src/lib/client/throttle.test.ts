import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { throttleLatest } from "./throttle";

describe("throttleLatest", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs the first call at once and collapses a burst into one trailing call with the latest value", () => {
    const seen: number[] = [];
    const throttled = throttleLatest((v: number) => seen.push(v), 1000);
    throttled(1);
    throttled(2);
    throttled(3);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(999);
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 3]);
  });

  it("keeps at most one call per interval under a steady stream", () => {
    const seen: number[] = [];
    const throttled = throttleLatest((v: number) => seen.push(v), 1000);
    for (let t = 0; t < 5000; t += 10) {
      throttled(t);
      vi.advanceTimersByTime(10);
    }
    // 5 s of calls every 10 ms: one call per second.
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThanOrEqual(6);
  });

  it("goes through at once again after a quiet interval", () => {
    const seen: number[] = [];
    const throttled = throttleLatest((v: number) => seen.push(v), 1000);
    throttled(1);
    vi.advanceTimersByTime(5000);
    throttled(2);
    expect(seen).toEqual([1, 2]);
  });

  it("cancel drops a pending trailing call", () => {
    const seen: number[] = [];
    const throttled = throttleLatest((v: number) => seen.push(v), 1000);
    throttled(1);
    throttled(2);
    throttled.cancel();
    vi.advanceTimersByTime(2000);
    expect(seen).toEqual([1]);
  });
});
