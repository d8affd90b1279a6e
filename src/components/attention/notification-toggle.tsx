"use client";

import { requestNotifications, setMuted, useNotificationState } from "@/lib/client/notifications-client";

function Bell({ off }: { off?: boolean }) {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path
        d="M4 6.5a4 4 0 0 1 8 0c0 3 1.2 4.2 1.5 4.5h-11C2.8 10.7 4 9.5 4 6.5zM6.5 13.2a1.6 1.6 0 0 0 3 0"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      {off ? <path d="M2.5 2.5l11 11" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" /> : null}
    </svg>
  );
}

/**
 * Browser notifications in the nav: asks for permission only when clicked (browsers ignore or
 * penalise unprompted requests); once granted, the same button mutes and unmutes them.
 */
export function NotificationToggle() {
  const state = useNotificationState();
  if (state === null || state === "unsupported") return null;
  if (state === "default") {
    return (
      <button type="button" className="button button-ghost button-small notification-enable" onClick={() => void requestNotifications()}>
        <Bell />
        <span className="notification-enable-label">Enable notifications</span>
      </button>
    );
  }
  if (state === "denied") {
    return (
      <span className="faint" title="Notifications are blocked for this site in the browser's settings; in-app alerts still show.">
        <span className="visually-hidden">Notifications blocked</span>
        <Bell off />
      </span>
    );
  }
  const on = state === "granted";
  return (
    <button
      type="button"
      className="button button-ghost icon-button"
      aria-pressed={on}
      aria-label="Browser notifications"
      title={on ? "Browser notifications are on (click to mute)" : "Browser notifications are muted (click to turn on)"}
      onClick={() => setMuted(on)}
    >
      <Bell off={!on} />
    </button>
  );
}
