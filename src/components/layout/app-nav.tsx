"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { useAppEvents } from "@/lib/client/app-events-client";
import { isInboxStatus } from "@/lib/inbox";
import type { Theme } from "@/lib/theme/theme";
import { useAppUi } from "@/stores/app-ui-store";
import { NotificationToggle } from "../attention/notification-toggle";
import { ThemeToggle } from "../theme/theme-toggle";

const LINKS = [
  { href: "/", label: "Board", title: "Board (b)", matches: (path: string) => path === "/" || path.startsWith("/tasks") },
  { href: "/missions", label: "Missions", title: "Missions (m)", matches: (path: string) => path.startsWith("/missions") },
  { href: "/inbox", label: "Inbox", title: "Inbox: tasks waiting for you", matches: (path: string) => path.startsWith("/inbox") },
  { href: "/search", label: "Search", title: "Search the output of every run", matches: (path: string) => path.startsWith("/search") },
  { href: "/settings", label: "Settings", title: "Settings (s)", matches: (path: string) => path.startsWith("/settings") },
] as const;

/**
 * Tasks waiting on a person, kept current from the live events (the layout renders the first
 * list; a later server render, e.g. after a resync, replaces it).
 */
function useInboxCount(initial: readonly string[]): number {
  const [waiting, setWaiting] = useState(() => new Set(initial));
  const key = initial.join(",");
  useEffect(() => setWaiting(new Set(key ? key.split(",") : [])), [key]);
  useAppEvents((event) => {
    if (event.type === "task.changed") {
      const { id, status } = event.task;
      setWaiting((current) => {
        if (isInboxStatus(status) === current.has(id)) return current;
        const next = new Set(current);
        if (isInboxStatus(status)) next.add(id);
        else next.delete(id);
        return next;
      });
    } else if (event.type === "task.deleted") {
      setWaiting((current) => {
        if (!current.has(event.taskId)) return current;
        const next = new Set(current);
        next.delete(event.taskId);
        return next;
      });
    }
  });
  return waiting.size;
}

/**
 * The app's top bar. A task page counts as "Board": tasks are opened from there. On a phone the
 * Inbox comes first and the bar keeps to one row (app-nav.css).
 */
export function AppNav({ theme, inboxTaskIds }: { theme: Theme; inboxTaskIds: readonly string[] }) {
  const pathname = usePathname() ?? "/";
  const openHelp = useAppUi((state) => state.openHelp);
  const inboxCount = useInboxCount(inboxTaskIds);
  return (
    <header className="app-header">
      <div className="app-header-inner">
        {/* Not prefetched, as no link of the app (the reason: task-link.tsx). */}
        <Link href="/" className="app-brand" aria-label="AI Manager home" prefetch={false}>
          <span className="app-logo" aria-hidden="true">
            <svg viewBox="0 0 20 20" width="20" height="20">
              <rect x="1" y="1" width="18" height="18" rx="5" fill="var(--accent)" />
              <path d="M5.5 7.2l3 2.8-3 2.8M10.5 13h4" stroke="var(--accent-text)" strokeWidth="1.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </span>
          <span className="app-brand-name">AI Manager</span>
        </Link>
        <nav aria-label="Main" className="app-nav">
          {LINKS.map((link) => {
            const active = link.matches(pathname);
            return (
              <Link
                key={link.href}
                href={link.href}
                prefetch={false}
                className="app-nav-link"
                data-link={link.label.toLowerCase()}
                aria-current={active ? "page" : undefined}
                title={link.title}
              >
                {link.href === "/settings" ? (
                  <>
                    {/* On a phone the row is too narrow for four words: Settings is its gear there. */}
                    <svg className="app-nav-icon" viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
                      {/* A cog: eight teeth (a dashed ring) around a ring with a hole. */}
                      <circle cx="8" cy="8" r="5.9" fill="none" stroke="currentColor" strokeWidth="2.2" strokeDasharray="2.3 2.33" />
                      <circle cx="8" cy="8" r="3.9" fill="none" stroke="currentColor" strokeWidth="2.2" />
                    </svg>
                    <span className="app-nav-label">{link.label}</span>
                  </>
                ) : (
                  link.label
                )}
                {link.href === "/inbox" && inboxCount > 0 ? (
                  <span className="app-nav-count" aria-label={`${inboxCount} waiting`}>
                    {inboxCount}
                  </span>
                ) : null}
              </Link>
            );
          })}
        </nav>
        <div className="app-header-tools">
          <NotificationToggle />
          <button type="button" className="button button-ghost icon-button app-shortcuts-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={openHelp}>
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
