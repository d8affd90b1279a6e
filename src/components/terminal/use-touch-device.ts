"use client";

import { useSyncExternalStore } from "react";

/** A touch screen is the main pointer (phones, tablets): the on-screen key bar is offered. */
const COARSE_POINTER = "(pointer: coarse)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(COARSE_POINTER);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

function isTouch(): boolean {
  return window.matchMedia(COARSE_POINTER).matches;
}

/** False on the server and in the first client render (no hydration mismatch), then the truth. */
export function useTouchDevice(): boolean {
  return useSyncExternalStore(subscribe, isTouch, () => false);
}
