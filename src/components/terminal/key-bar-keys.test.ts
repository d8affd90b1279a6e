import { describe, expect, it } from "vitest";
import { KEY_BAR_KEYS, keyBytes } from "./key-bar-keys";

describe("keyBytes", () => {
  it("sends what a keyboard sends in normal cursor mode", () => {
    const normal = { applicationCursorKeys: false };
    expect(Object.fromEntries(KEY_BAR_KEYS.map((key) => [key.id, keyBytes(key.id, normal)]))).toEqual({
      esc: "\x1b",
      tab: "\t",
      "ctrl-c": "\x03",
      "ctrl-d": "\x04",
      left: "\x1b[D",
      up: "\x1b[A",
      down: "\x1b[B",
      right: "\x1b[C",
      enter: "\r",
    });
  });

  it("sends SS3 arrows when the program switched to application cursor keys", () => {
    const application = { applicationCursorKeys: true };
    expect(["up", "down", "right", "left"].map((id) => keyBytes(id as "up", application))).toEqual(["\x1bOA", "\x1bOB", "\x1bOC", "\x1bOD"]);
    expect(keyBytes("esc", application)).toBe("\x1b");
  });
});
