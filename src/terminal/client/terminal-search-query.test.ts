import { describe, expect, it } from "vitest";
import { checkSearchQuery, describeResults, mixHex, searchDecorations, toHexColor } from "./terminal-search-query";

const plain = { caseSensitive: false, regex: false };
const regex = { caseSensitive: false, regex: true };

describe("checkSearchQuery", () => {
  it("accepts any plain text, regex syntax included", () => {
    expect(checkSearchQuery("a(b[", plain)).toEqual({ ok: true });
    expect(checkSearchQuery("", regex)).toEqual({ ok: true });
  });

  it("accepts a valid regex", () => {
    expect(checkSearchQuery("err(or)?\\s+\\d+", regex)).toEqual({ ok: true });
    expect(checkSearchQuery("^DONE$", { caseSensitive: true, regex: true })).toEqual({ ok: true });
  });

  it("refuses an invalid regex with the engine's reason instead of throwing", () => {
    const result = checkSearchQuery("a(b", regex);
    expect(result.ok).toBe(false);
    expect(result).toEqual({ ok: false, message: "Invalid regular expression: Unterminated group" });
    expect(checkSearchQuery("[", regex).ok).toBe(false);
    expect(checkSearchQuery("*x", regex).ok).toBe(false);
  });

  it("refuses a regex that matches empty text (nothing to highlight, nothing to move to)", () => {
    for (const pattern of ["a*", "^", "$", "(?:)", "x?"]) {
      expect(checkSearchQuery(pattern, regex)).toEqual({ ok: false, message: "This expression matches empty text" });
    }
  });
});

describe("describeResults", () => {
  it("counts the active match among all", () => {
    expect(describeResults({ resultIndex: 2, resultCount: 17 }, "x")).toBe("3 of 17");
    expect(describeResults({ resultIndex: 0, resultCount: 1 }, "x")).toBe("1 of 1");
  });

  it("says when nothing matches, and nothing before a query", () => {
    expect(describeResults({ resultIndex: -1, resultCount: 0 }, "x")).toBe("No matches");
    expect(describeResults(null, "x")).toBe("");
    expect(describeResults({ resultIndex: 0, resultCount: 4 }, "")).toBe("");
  });

  it("marks a count cut at the highlight limit", () => {
    expect(describeResults({ resultIndex: 4, resultCount: 1000 }, "x", 1000)).toBe("5 of 1000+");
    expect(describeResults({ resultIndex: -1, resultCount: 1000 }, "x", 1000)).toBe("1000+ matches");
    expect(describeResults({ resultIndex: -1, resultCount: 1 }, "x", 1000)).toBe("1 match");
  });
});

describe("search colours", () => {
  it("reads the colour forms the theme variables use", () => {
    expect(toHexColor("#abc")).toBe("#aabbcc");
    expect(toHexColor("#3B4A6388")).toBe("#3b4a63");
    expect(toHexColor(" #e3b341 ")).toBe("#e3b341");
    expect(toHexColor("rgb(4 6 9 / 72%)")).toBe("#040609");
    expect(toHexColor("rgba(255, 128, 0, 0.5)")).toBe("#ff8000");
    expect(toHexColor("color-mix(in srgb, red 10%, blue)")).toBeUndefined();
    expect(toHexColor(undefined)).toBeUndefined();
  });

  it("mixes two colours by weight", () => {
    expect(mixHex("#ffffff", "#000000", 0.5)).toBe("#808080");
    expect(mixHex("#e3b341", "#0b0e14", 1)).toBe("#e3b341");
    expect(mixHex("#e3b341", "#0b0e14", 0)).toBe("#0b0e14");
  });

  it("derives #RRGGBB highlights from the theme, the active match stronger than the others", () => {
    const colours = searchDecorations({ background: "#0b0e14", foreground: "#d6deeb", yellow: "#e3b341" });
    for (const value of Object.values(colours)) expect(value).toMatch(/^#[0-9a-f]{6}$/);
    const distance = (hex: string) => Math.abs(Number.parseInt(hex.slice(1, 3), 16) - 0x0b);
    expect(distance(colours.activeMatchBackground)).toBeGreaterThan(distance(colours.matchBackground));
    expect(colours.activeMatchBorder).toBe("#d6deeb");
    // A theme without the colours still gets valid ones.
    for (const value of Object.values(searchDecorations({}))) expect(value).toMatch(/^#[0-9a-f]{6}$/);
  });
});
