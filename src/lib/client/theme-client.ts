"use client";

import { useSyncExternalStore } from "react";
import { DEFAULT_THEME, THEME_COLORS, THEME_COOKIE, THEME_STORAGE_KEY, parseTheme, themeCookie, type Theme } from "@/lib/theme/theme";

/**
 * The theme in the browser: `<html data-theme>` is the source of truth (the server sets it from
 * the cookie); changing it writes the cookie and localStorage and tells subscribers — terminals
 * re-read their colours from the CSS variables.
 */

const listeners = new Set<() => void>();

export function currentTheme(): Theme {
  if (typeof document === "undefined") return DEFAULT_THEME;
  return parseTheme(document.documentElement.dataset.theme) ?? DEFAULT_THEME;
}

export function setTheme(theme: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  document.cookie = themeCookie(theme);
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage can be disabled; the cookie still carries the choice.
  }
  document.querySelector('meta[name="theme-color"]')?.setAttribute("content", THEME_COLORS[theme]);
  for (const listener of [...listeners]) listener();
}

/**
 * After load: a choice kept in localStorage but missing from the cookie (cleared, expired) wins
 * and is written back, so the next server render is right again.
 */
export function reconcileStoredTheme(): void {
  let stored: Theme | undefined;
  try {
    stored = parseTheme(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return;
  }
  const cookieHasTheme = document.cookie.split(";").some((part) => part.trim().startsWith(`${THEME_COOKIE}=`));
  if (stored && (!cookieHasTheme || stored !== currentTheme())) setTheme(stored);
}

export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current theme; `serverTheme` is what the server rendered, used while hydrating. */
export function useTheme(serverTheme: Theme): Theme {
  return useSyncExternalStore(onThemeChange, currentTheme, () => serverTheme);
}
