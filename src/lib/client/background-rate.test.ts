import { afterEach, describe, expect, it, vi } from "vitest";
import { BACKGROUND_BYTES_PER_SECOND, BENCH_RATE_GLOBAL, backgroundBytesPerSecond } from "./background-rate";

describe("backgroundBytesPerSecond", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is the app's rate outside a browser and in a page the bench did not touch", () => {
    expect(backgroundBytesPerSecond()).toBe(BACKGROUND_BYTES_PER_SECOND);
    vi.stubGlobal("window", {});
    expect(backgroundBytesPerSecond()).toBe(BACKGROUND_BYTES_PER_SECOND);
  });

  it("takes the bench's rate for the page: a number of bytes per second, or no limit", () => {
    vi.stubGlobal("window", { [BENCH_RATE_GLOBAL]: 512 * 1024 });
    expect(backgroundBytesPerSecond()).toBe(512 * 1024);
    vi.stubGlobal("window", { [BENCH_RATE_GLOBAL]: "unlimited" });
    expect(backgroundBytesPerSecond()).toBeNull();
  });

  it("ignores anything else the global might hold", () => {
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "fast", "131072", null, {}]) {
      vi.stubGlobal("window", { [BENCH_RATE_GLOBAL]: value });
      expect(backgroundBytesPerSecond()).toBe(BACKGROUND_BYTES_PER_SECOND);
    }
  });
});
