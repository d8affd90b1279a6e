"use client";

import { useSyncExternalStore } from "react";

/** A touch screen is the main pointer (phones, tablets): the on-screen key bar is offered. */
const COARSE_POINTER = "(pointer: coarse)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(COARSE_POINTER);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** Now, outside React (false on the server). */
export function isTouchScreen(): boolean {
  return typeof window !== "undefined" && window.matchMedia(COARSE_POINTER).matches;
}

/** False on the server and in the first client render (no hydration mismatch), then the truth. */
export function useTouchDevice(): boolean {
  return useSyncExternalStore(subscribe, isTouchScreen, () => false);
}
