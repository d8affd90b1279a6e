"use client";

import { useSyncExternalStore } from "react";
import { showThroughWorker } from "./worker-notifications";

/**
 * Browser notifications: the permission (asked only when the person clicks "Enable
 * notifications") and an in-app mute for people who granted it but want quiet for a while.
 */

export type NotificationState = "unsupported" | "default" | "denied" | "granted" | "muted";

const MUTE_KEY = "ai-manager.notifications-muted";
const listeners = new Set<() => void>();
let permissionWatch: Promise<void> | undefined;

function notify(): void {
  for (const listener of [...listeners]) listener();
}

function supported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

function muted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === "1";
  } catch {
    return false;
  }
}

export function notificationState(): NotificationState {
  if (!supported()) return "unsupported";
  const permission = Notification.permission;
  if (permission === "granted") return muted() ? "muted" : "granted";
  return permission;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // The permission can change in the browser's site settings while the page is open.
  permissionWatch ??= navigator.permissions
    ?.query({ name: "notifications" })
    .then((status) => status.addEventListener("change", notify))
    .catch(() => undefined);
  return () => listeners.delete(listener);
}

/** Null on the server and while hydrating (the server cannot know the browser's permission). */
export function useNotificationState(): NotificationState | null {
  return useSyncExternalStore<NotificationState | null>(subscribe, notificationState, () => null);
}

export async function requestNotifications(): Promise<void> {
  if (!supported()) return;
  await Notification.requestPermission();
  setMuted(false);
}

export function setMuted(value: boolean): void {
  try {
    if (value) localStorage.setItem(MUTE_KEY, "1");
    else localStorage.removeItem(MUTE_KEY);
  } catch {
    // Storage disabled: the mute cannot be kept.
  }
  notify();
}

/**
 * Shows a system notification if the person allowed them; `onClick` opens the task, and `url` is
 * the same place for a notification shown through the service worker (tapped after the page is gone).
 */
export function showNotification(title: string, body: string, tag: string, onClick: () => void, url = "/"): void {
  if (notificationState() !== "granted") return;
  try {
    // The tag makes the system replace an older notification about the same task (and collapses
    // the copies several open tabs would show) instead of stacking them.
    const notification = new Notification(title, { body, tag, icon: "/icon.svg" });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers (Chrome on Android) only allow notifications from a service worker.
    void showThroughWorker(title, { body, tag, icon: "/icon-192.png", url });
  }
}
