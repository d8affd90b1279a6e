import { describe, expect, it } from "vitest";
import { formatAgo, formatClock } from "./time";

describe("formatClock", () => {
  it.each([
    [0, "0:00"],
    [999, "0:00"],
    [42_000, "0:42"],
    [12 * 60_000 + 5_000, "12:05"],
    [3_723_000, "1:02:03"],
    [-5, "0:00"],
    [Number.NaN, "0:00"],
  ])("%s ms → %s", (ms, text) => expect(formatClock(ms)).toBe(text));
});

describe("formatAgo", () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  it.each([
    [now, "now"],
    [now + 3_000, "now"],
    [now - 1_500, "now"],
    [now - 4_000, "4 s ago"],
    [now - 59_000, "59 s ago"],
    [now - 3 * 60_000, "3 min ago"],
    [now - 2 * 3_600_000, "2 h ago"],
    [now - 30 * 3_600_000, "yesterday"],
  ])("%s → %s", (at, text) => expect(formatAgo(at, now)).toBe(text));
});
