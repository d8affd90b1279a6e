import { describe, expect, it } from "vitest";
import { searchKeyAction, type SearchKeyInput } from "./terminal-search-keys";

const press = (key: string, extra: Partial<SearchKeyInput> = {}): SearchKeyInput => ({
  type: "keydown",
  key,
  code: key.length === 1 && /[a-z]/i.test(key) ? `Key${key.toUpperCase()}` : "",
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...extra,
});

describe("searchKeyAction on Linux and Windows", () => {
  it("opens the search on Ctrl+F and sends a literal Ctrl+F on Ctrl+Shift+F", () => {
    expect(searchKeyAction(press("f", { ctrlKey: true }), false)).toBe("open-search");
    // With Shift held the browser reports the capital letter.
    expect(searchKeyAction(press("F", { ctrlKey: true, shiftKey: true }), false)).toBe("send-ctrl-f");
  });

  it("leaves every other key to the program", () => {
    expect(searchKeyAction(press("f"), false)).toBeUndefined();
    expect(searchKeyAction(press("F", { shiftKey: true }), false)).toBeUndefined();
    expect(searchKeyAction(press("g", { ctrlKey: true }), false)).toBeUndefined();
    expect(searchKeyAction(press("f", { ctrlKey: true, altKey: true }), false)).toBeUndefined();
    expect(searchKeyAction(press("f", { metaKey: true }), false)).toBeUndefined();
    expect(searchKeyAction(press("f", { ctrlKey: true, metaKey: true }), false)).toBeUndefined();
  });

  it("finds the F key on a non-Latin layout by its position, and only there", () => {
    expect(searchKeyAction(press("а", { code: "KeyF", ctrlKey: true }), false)).toBe("open-search");
    // Dvorak: the key labelled F sits where QWERTY has Y; the letter decides, not the position.
    expect(searchKeyAction(press("f", { code: "KeyY", ctrlKey: true }), false)).toBe("open-search");
    expect(searchKeyAction(press("u", { code: "KeyF", ctrlKey: true }), false)).toBeUndefined();
  });
});

describe("searchKeyAction on macOS", () => {
  it("opens the search on Cmd+F and leaves Ctrl+F to the program", () => {
    expect(searchKeyAction(press("f", { metaKey: true }), true)).toBe("open-search");
    expect(searchKeyAction(press("f", { ctrlKey: true }), true)).toBeUndefined();
    expect(searchKeyAction(press("F", { ctrlKey: true, shiftKey: true }), true)).toBeUndefined();
    expect(searchKeyAction(press("F", { metaKey: true, shiftKey: true }), true)).toBeUndefined();
  });
});
