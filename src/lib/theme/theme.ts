/**
 * The colour themes. The choice lives in a cookie (so the server renders the right theme, with no
 * flash) and in localStorage (so it survives a cleared or expired cookie). Client-safe.
 */

export const THEMES = ["dark", "light"] as const;
export type Theme = (typeof THEMES)[number];

export const DEFAULT_THEME: Theme = "dark";
export const THEME_COOKIE = "ai-manager-theme";
export const THEME_STORAGE_KEY = "ai-manager.theme";
/** A year: the choice is a preference, not a session. */
export const THEME_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The browser chrome colour per theme (matches `--bg` in globals.css). */
export const THEME_COLORS: Record<Theme, string> = { dark: "#0c0e12", light: "#f6f7f9" };

export function parseTheme(value: unknown): Theme | undefined {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value) ? (value as Theme) : undefined;
}

export function otherTheme(theme: Theme): Theme {
  return theme === "dark" ? "light" : "dark";
}

export function themeCookie(theme: Theme): string {
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${THEME_COOKIE_MAX_AGE_S}; SameSite=Lax`;
}
