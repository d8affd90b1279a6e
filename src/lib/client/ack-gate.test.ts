import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AckGate, BEHIND_BYTES } from "./ack-gate";

describe("AckGate", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const acked = () => {
    const log: number[] = [];
    return { log, done: (bytes: number) => () => log.push(bytes) };
  };

  it("passes everything at once without a limit", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: null });
    const { log, done } = acked();
    gate.pass(50_000, done(50_000));
    gate.pass(80_000, done(80_000));
    expect(log).toEqual([50_000, 80_000]);
  });

  it("holds acks while paused and releases them in order on resume", () => {
    const gate = new AckGate({ paused: true, bytesPerSecond: null });
    const { log, done } = acked();
    gate.pass(10, done(10));
    gate.pass(20, done(20));
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual([]);
    expect(gate.heldBytes).toBe(30);
    gate.setPolicy({ paused: false, bytesPerSecond: null });
    expect(log).toEqual([10, 20]);
    expect(gate.heldBytes).toBe(0);
  });

  it("acks at most the configured rate (plus a small burst)", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: 100_000 }, () => Date.now());
    const { log, done } = acked();
    // 1 MB offered at once in 10 kB chunks: one second may ack ~100 kB + the 25 kB burst.
    for (let i = 0; i < 100; i++) gate.pass(10_000, done(10_000));
    const sum = () => log.reduce((a, b) => a + b, 0);
    expect(sum()).toBeLessThanOrEqual(25_000);
    vi.advanceTimersByTime(1_000);
    expect(sum()).toBeGreaterThanOrEqual(100_000);
    expect(sum()).toBeLessThanOrEqual(130_000);
    vi.advanceTimersByTime(9_000);
    expect(sum()).toBe(1_000_000);
  });

  it("lets a chunk larger than the burst through instead of holding it forever", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: 1_000 }, () => Date.now());
    const { log, done } = acked();
    gate.pass(100_000, done(100_000));
    expect(log).toEqual([100_000]);
  });

  it("lifting the limit releases what waits", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: 1_000 }, () => Date.now());
    const { log, done } = acked();
    for (let i = 0; i < 10; i++) gate.pass(1_000, done(1_000));
    expect(log.length).toBeLessThan(10);
    gate.setPolicy({ paused: false, bytesPerSecond: null });
    expect(log).toHaveLength(10);
  });

  it("dispose drops held acks and timers", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: 1_000 }, () => Date.now());
    const { log, done } = acked();
    for (let i = 0; i < 10; i++) gate.pass(1_000, done(1_000));
    const before = log.length;
    gate.dispose();
    vi.advanceTimersByTime(60_000);
    expect(log).toHaveLength(before);
  });

  it("says how long the view has been behind, and clear forgets held acks", () => {
    const gate = new AckGate({ paused: false, bytesPerSecond: 10_000 }, () => Date.now());
    const { log, done } = acked();
    expect(gate.behindForMs()).toBe(0);
    for (let i = 0; i < 10; i++) gate.pass(BEHIND_BYTES / 4, done(1));
    // The clock is vitest's fake one: behind since the passes at t=0, read at t=1500 exactly.
    vi.advanceTimersByTime(1_500);
    expect(gate.behindForMs()).toBe(1_500);
    gate.clear();
    expect(gate.heldBytes).toBe(0);
    expect(gate.behindForMs()).toBe(0);
    const acks = log.length;
    vi.advanceTimersByTime(60_000);
    expect(log).toHaveLength(acks);
  });

  it("catching up ends being behind", () => {
    const gate = new AckGate({ paused: true, bytesPerSecond: null }, () => Date.now());
    gate.pass(BEHIND_BYTES, () => undefined);
    expect(gate.behind).toBe(true);
    vi.advanceTimersByTime(500);
    expect(gate.behindForMs()).toBe(500);
    gate.setPolicy({ paused: false, bytesPerSecond: null });
    expect(gate.behindForMs()).toBe(0);
    expect(gate.behind).toBe(false);
  });
});
