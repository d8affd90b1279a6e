import type { ITheme } from "@xterm/xterm";

/**
 * The search bar's pure parts: whether a query can run, what the match count says, and the
 * highlight colours derived from the terminal's theme.
 */

export interface SearchFlags {
  caseSensitive: boolean;
  regex: boolean;
}

/**
 * Most matches highlighted (and counted) at once. Past it the bar says "1000+": counting more
 * walks the whole scrollback on every keystroke and creates a decoration per match.
 */
export const SEARCH_HIGHLIGHT_LIMIT = 1_000;

export type QueryCheck = { ok: true } | { ok: false; message: string };

/**
 * A regex the addon would throw on, or one that matches empty text (every position would be a
 * "match" of nothing: no highlight, and next/previous could not move), is refused with a message.
 * The flags are the addon's own (`g`, plus `i` unless case-sensitive), so what passes here runs there.
 */
export function checkSearchQuery(query: string, flags: SearchFlags): QueryCheck {
  if (!flags.regex || query === "") return { ok: true };
  let pattern: RegExp;
  try {
    pattern = new RegExp(query, flags.caseSensitive ? "g" : "gi");
  } catch (error) {
    // V8 says "Invalid regular expression: /<pattern>/<flags>: <reason>"; the field already shows the pattern.
    const detail = error instanceof Error ? error.message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/s, "") : "";
    return { ok: false, message: detail ? `Invalid regular expression: ${detail}` : "Invalid regular expression" };
  }
  if (pattern.test("")) return { ok: false, message: "This expression matches empty text" };
  return { ok: true };
}

export interface SearchResults {
  /** The active match, -1 when none is selected (or it lies past the highlight limit). */
  resultIndex: number;
  resultCount: number;
}

/** "3 of 17", "No matches", "1000+ matches" — what the bar shows beside the field. */
export function describeResults(results: SearchResults | null, query: string, limit = SEARCH_HIGHLIGHT_LIMIT): string {
  if (query === "" || results === null) return "";
  const { resultIndex, resultCount } = results;
  if (resultCount === 0) return "No matches";
  const total = resultCount >= limit ? `${limit}+` : String(resultCount);
  if (resultIndex < 0) return `${total} ${resultCount === 1 ? "match" : "matches"}`;
  return `${resultIndex + 1} of ${total}`;
}

export interface SearchDecorationColors {
  matchBackground: string;
  matchBorder: string;
  matchOverviewRuler: string;
  activeMatchBackground: string;
  activeMatchBorder: string;
  activeMatchColorOverviewRuler: string;
}

/**
 * Highlights from the theme's yellow laid over its background: every match tinted lightly, the
 * active one strongly and outlined in the text colour, so both read in dark and light themes and
 * follow a theme switch. xterm wants #RRGGBB for decoration backgrounds.
 */
export function searchDecorations(theme: ITheme): SearchDecorationColors {
  const background = toHexColor(theme.background) ?? "#000000";
  const foreground = toHexColor(theme.foreground) ?? "#ffffff";
  const yellow = toHexColor(theme.yellow) ?? "#e5c07b";
  const match = mixHex(yellow, background, 0.35);
  const active = mixHex(yellow, background, 0.6);
  return {
    matchBackground: match,
    matchBorder: mixHex(yellow, background, 0.7),
    matchOverviewRuler: yellow,
    activeMatchBackground: active,
    activeMatchBorder: foreground,
    activeMatchColorOverviewRuler: foreground,
  };
}

/** "#abc", "#aabbcc", "#aabbccdd" (alpha dropped) or "rgb(…)"/"rgba(…)" → "#aabbcc"; else undefined. */
export function toHexColor(color: string | undefined): string | undefined {
  if (!color) return undefined;
  const value = color.trim().toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])([0-9a-f])?$/.exec(value);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  const long = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(value);
  if (long) return `#${long[1]}`;
  const rgb = /^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})/.exec(value);
  if (rgb) return rgbHex([Number(rgb[1]), Number(rgb[2]), Number(rgb[3])]);
  return undefined;
}

/** `weight` of `a` over `1 - weight` of `b`, both #RRGGBB. */
export function mixHex(a: string, b: string, weight: number): string {
  const x = channels(a);
  const y = channels(b);
  return rgbHex([0, 1, 2].map((i) => x[i]! * weight + y[i]! * (1 - weight)));
}

function channels(hex: string): number[] {
  return [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16));
}

function rgbHex(values: number[]): string {
  return `#${values.map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0")).join("")}`;
}
