"use client";

import { formatAgo, formatClock } from "@/lib/format/time";
import { useNow } from "@/lib/client/use-now";

/**
 * Times that tick. Each is its own small component on the shared one-second clock, so a tick
 * re-renders these few text nodes and nothing around them (a terminal tile stays untouched).
 * No locale-formatted tooltips: the server's time zone is not the browser's, and hydration must match.
 */

/** "12:05" since `since`, frozen at `until` once that is set. */
export function Elapsed({ since, until, serverNow }: { since: number; until?: number | null; serverNow: number }) {
  const now = useNow(serverNow);
  const end = until ?? now;
  return (
    <time dateTime={`PT${Math.max(0, Math.floor((end - since) / 1000))}S`}>
      {formatClock(end - since)}
    </time>
  );
}

/** "4 s ago", or `never` when `at` is null. */
export function Ago({ at, serverNow, never = "—" }: { at: number | null; serverNow: number; never?: string }) {
  const now = useNow(serverNow);
  if (at === null) return <span>{never}</span>;
  return (
    <time dateTime={new Date(at).toISOString()}>
      {formatAgo(at, now)}
    </time>
  );
}
