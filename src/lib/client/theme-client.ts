"use client";

import { useSyncExternalStore } from "react";
import { DEFAULT_THEME, THEME_COLORS, THEME_COOKIE, THEME_STORAGE_KEY, parseTheme, themeCookie, type Theme } from "@/lib/theme/theme";

/**
 * The theme in the browser: `<html data-theme>` is the source of truth (the server sets it from
 * the cookie); changing it writes the cookie and localStorage and tells subscribers — terminals
 * re-read their colours from the CSS variables.
 *
 * React owns that attribute too: every server render of the root layout (a live refresh) sets it
 * from the cookie the request carried. A refresh sent just before a switch answers with the old
 * theme and would undo the switch behind the subscribers' backs (page light, terminal dark), so
 * `watchTheme` puts this page's own choice back; a render of a theme this page did not choose
 * (another tab's, through the cookie) is followed, subscribers told.
 */

const listeners = new Set<() => void>();
/** What this page chose last (a click, `t`, the stored choice, another tab's switch). */
let chosenTheme: Theme | undefined;
/** The theme subscribers were last told of. */
let notifiedTheme: Theme | undefined;

export function currentTheme(): Theme {
  if (typeof document === "undefined") return DEFAULT_THEME;
  return parseTheme(document.documentElement.dataset.theme) ?? DEFAULT_THEME;
}

function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="theme-color"]')?.setAttribute("content", THEME_COLORS[theme]);
}

function notify(): void {
  notifiedTheme = currentTheme();
  for (const listener of [...listeners]) listener();
}

/** Shows `theme` as this page's choice and tells the subscribers. */
function adoptTheme(theme: Theme): void {
  chosenTheme = theme;
  applyTheme(theme);
  notify();
}

export function setTheme(theme: Theme): void {
  adoptTheme(theme);
  document.cookie = themeCookie(theme);
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage can be disabled; the cookie still carries the choice.
  }
}

/**
 * Keeps `<html data-theme>` and the subscribers in step while the page lives (see the top):
 * against server renders of another theme, and with a switch in another tab. Returns the cleanup.
 */
export function watchTheme(): () => void {
  const root = document.documentElement;
  notifiedTheme ??= currentTheme();
  const observer = new MutationObserver(() => {
    if (chosenTheme && root.dataset.theme !== chosenTheme) applyTheme(chosenTheme);
    if (currentTheme() !== notifiedTheme) notify();
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-theme"] });
  const onStorage = (event: StorageEvent) => {
    const theme = event.key === THEME_STORAGE_KEY ? parseTheme(event.newValue) : undefined;
    // The other tab has written the cookie and the storage already.
    if (theme && theme !== currentTheme()) adoptTheme(theme);
  };
  window.addEventListener("storage", onStorage);
  return () => {
    observer.disconnect();
    window.removeEventListener("storage", onStorage);
  };
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
