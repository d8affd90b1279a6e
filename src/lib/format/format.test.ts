import { describe, expect, it } from "vitest";
import { shortenPath } from "./paths";
import { describeQuantity, formatBytes } from "./quantities";
import { formatDuration, formatRelativeTime } from "./time";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const MIN = 60_000;

describe("formatRelativeTime", () => {
  it.each([
    [NOW, "just now"],
    [NOW - 30_000, "just now"],
    [NOW - 50_000, "1 min ago"],
    [NOW - 5 * MIN, "5 min ago"],
    [NOW - 3 * 60 * MIN, "3 h ago"],
    [NOW - 30 * 60 * MIN, "yesterday"],
    [NOW - 4 * 24 * 60 * MIN, "4 days ago"],
    [NOW + 10_000, "just now"],
  ])("%s → %s", (at, text) => {
    expect(formatRelativeTime(at, NOW)).toBe(text);
  });

  it("falls back to a date after a month", () => {
    expect(formatRelativeTime(NOW - 60 * 24 * 60 * MIN, NOW)).toMatch(/2026/);
  });
});

describe("formatDuration", () => {
  it.each([
    [850, "850 ms"],
    [12_400, "12 s"],
    [3 * MIN + 4_000, "3 min 4 s"],
    [2 * 60 * MIN, "2 h"],
    [125 * MIN, "2 h 5 min"],
    [27 * 60 * MIN, "1 d 3 h"],
    [-1, "—"],
  ])("%s ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("shortenPath", () => {
  it("uses ~ for the home directory and keeps the last segments of long paths", () => {
    expect(shortenPath("/home/dev/projects/ai-manager", "/home/dev")).toBe("…/projects/ai-manager");
    expect(shortenPath("/home/dev/app", "/home/dev/")).toBe("~/app");
    expect(shortenPath("/home/dev", "/home/dev")).toBe("~");
    expect(shortenPath("/srv/app", "/home/dev")).toBe("/srv/app");
    expect(shortenPath("/home/devops/x/y/z", "/home/dev")).toBe("…/y/z");
  });
});

describe("quantities", () => {
  it("reads bytes and milliseconds", () => {
    expect(formatBytes(100 * 1024 * 1024)).toBe("100 MB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(512)).toBe("512 bytes");
    expect(describeQuantity(7_200_000, "ms")).toBe("2 h");
    expect(describeQuantity(20, "sessions")).toBeUndefined();
  });
});
