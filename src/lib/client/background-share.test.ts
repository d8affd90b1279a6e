import { describe, expect, it } from "vitest";
import { BackgroundShare, MIN_SHARE, OVERLOADED_LAG_MS, RELAXED_LAG_MS } from "./background-share";

describe("BackgroundShare", () => {
  it("starts at the full rate and halves for every overloaded window, down to the floor", () => {
    const shares = new BackgroundShare();
    expect(shares.share).toBe(1);
    expect(shares.observe(OVERLOADED_LAG_MS)).toBe(0.5);
    expect(shares.observe(400)).toBe(0.25);
    for (let i = 0; i < 20; i++) shares.observe(1_000);
    expect(shares.share).toBe(MIN_SHARE);
  });

  it("grows back gradually once the page keeps up, never above the full rate", () => {
    const shares = new BackgroundShare();
    for (let i = 0; i < 10; i++) shares.observe(500);
    const floor = shares.share;
    expect(shares.observe(RELAXED_LAG_MS - 1)).toBeCloseTo(floor * 1.25);
    for (let i = 0; i < 40; i++) shares.observe(5);
    expect(shares.share).toBe(1);
  });

  it("holds its share while the page is busy but not overloaded", () => {
    const shares = new BackgroundShare();
    shares.observe(200);
    expect(shares.observe((RELAXED_LAG_MS + OVERLOADED_LAG_MS) / 2)).toBe(0.5);
  });
});
