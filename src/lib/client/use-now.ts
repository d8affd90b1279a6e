"use client";

import { useSyncExternalStore } from "react";

/**
 * One shared one-second clock for every ticking label on the page (elapsed times, "4 s ago"):
 * a single interval however many tiles show a time, and it only runs while someone listens.
 */
const TICK_MS = 1_000;

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, re-rendering once a second; `serverNow` is the time the server rendered with. */
export function useNow(serverNow: number): number {
  return useSyncExternalStore(
    subscribe,
    () => (timer ? now : serverNow),
    () => serverNow,
  );
}
