"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Theme } from "@/lib/theme/theme";
import { useAppUi } from "@/stores/app-ui-store";
import { NotificationToggle } from "../attention/notification-toggle";
import { ThemeToggle } from "../theme/theme-toggle";

const LINKS = [
  { href: "/", label: "Board", key: "b", matches: (path: string) => path === "/" || path.startsWith("/tasks") },
  { href: "/missions", label: "Missions", key: "m", matches: (path: string) => path.startsWith("/missions") },
  { href: "/search", label: "Search", key: undefined, matches: (path: string) => path.startsWith("/search") },
  { href: "/settings", label: "Settings", key: "s", matches: (path: string) => path.startsWith("/settings") },
] as const;

/** The app's top bar. A task page counts as "Board": tasks are opened from there. */
export function AppNav({ theme }: { theme: Theme }) {
  const pathname = usePathname() ?? "/";
  const openHelp = useAppUi((state) => state.openHelp);
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href="/" className="app-brand" aria-label="AI Manager home">
          <span className="app-logo" aria-hidden="true">
            <svg viewBox="0 0 20 20" width="20" height="20">
              <rect x="1" y="1" width="18" height="18" rx="5" fill="var(--accent)" />
              <path d="M5.5 7.2l3 2.8-3 2.8M10.5 13h4" stroke="var(--accent-text)" strokeWidth="1.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </span>
          AI Manager
        </Link>
        <nav aria-label="Main" className="app-nav">
          {LINKS.map((link) => {
            const active = link.matches(pathname);
            return (
              <Link
                key={link.href}
                href={link.href}
                className="app-nav-link"
                aria-current={active ? "page" : undefined}
                title={link.key ? `${link.label} (${link.key})` : link.label}
              >
                {link.label}
              </Link>
            );
          })}
        </nav>
        <div className="app-header-tools">
          <NotificationToggle />
          <button type="button" className="button button-ghost icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={openHelp}>
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              <rect x="1.5" y="4" width="13" height="8.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
              <path d="M4 6.5h1M7.5 6.5h1M11 6.5h1M4 9.5h8" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" />
            </svg>
          </button>
          <ThemeToggle serverTheme={theme} />
        </div>
      </div>
    </header>
  );
}
