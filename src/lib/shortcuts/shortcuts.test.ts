import { describe, expect, it } from "vitest";
import { SHORTCUTS, shortcutFor, type KeyInput } from "./shortcuts";

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  defaultPrevented: false,
  typing: false,
  dialogOpen: false,
  ...extra,
});

describe("shortcutFor", () => {
  it("maps the single keys", () => {
    expect(shortcutFor(key("n"))).toBe("new-task");
    expect(shortcutFor(key("m"))).toBe("missions");
    expect(shortcutFor(key("b"))).toBe("board");
    expect(shortcutFor(key("s"))).toBe("settings");
    expect(shortcutFor(key("/"))).toBe("filter");
    expect(shortcutFor(key("t"))).toBe("theme");
    expect(shortcutFor(key("?"))).toBe("help");
    expect(shortcutFor(key("x"))).toBeUndefined();
    expect(shortcutFor(key("N"))).toBeUndefined(); // Shift+N is not n
  });

  it("stays out of the way while typing, in dialogs and with modifiers", () => {
    expect(shortcutFor(key("n", { typing: true }))).toBeUndefined();
    expect(shortcutFor(key("m", { dialogOpen: true }))).toBeUndefined();
    expect(shortcutFor(key("?", { dialogOpen: true }))).toBeUndefined();
    expect(shortcutFor(key("s", { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(key("b", { metaKey: true }))).toBeUndefined();
    expect(shortcutFor(key("n", { altKey: true }))).toBeUndefined();
    expect(shortcutFor(key("m", { defaultPrevented: true }))).toBeUndefined();
  });

  it("has one action per key", () => {
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
  });
});
