"use client";

import { useEffect } from "react";
import { reconcileStoredTheme, setTheme, useTheme, watchTheme } from "@/lib/client/theme-client";
import { otherTheme, type Theme } from "@/lib/theme/theme";

/** Dark/light switch in the nav. `serverTheme` is what the server rendered (from the cookie). */
export function ThemeToggle({ serverTheme }: { serverTheme: Theme }) {
  const theme = useTheme(serverTheme);
  useEffect(() => {
    const unwatch = watchTheme();
    reconcileStoredTheme();
    return unwatch;
  }, []);
  const next = otherTheme(theme);
  return (
    <button
      type="button"
      className="button button-ghost icon-button"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme (t)`}
      onClick={() => setTheme(next)}
    >
      {theme === "dark" ? (
        // A sun: what you get.
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="8" cy="8" r="3" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path
            d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1.06 1.06M11.54 11.54l1.06 1.06M3.4 12.6l1.06-1.06M11.54 4.46l1.06-1.06"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
          />
        </svg>
      ) : (
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <path d="M13.5 9.8A5.5 5.5 0 0 1 6.2 2.5a5.5 5.5 0 1 0 7.3 7.3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
        </svg>
      )}
    </button>
  );
}
