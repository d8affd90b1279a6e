"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { appWasUpdated, useAppEvents, type ClientAppEvent } from "@/lib/client/app-events-client";

/** Coalesces bursts (a run starting changes the task, the execution and the session at once). */
const REFRESH_DELAY_MS = 150;

function concerns(event: ClientAppEvent, taskId: string | undefined, catchUpOnConnect: boolean): boolean {
  if (event.type === "connected") return event.first && catchUpOnConnect;
  if (event.type === "resync") return true;
  // Refreshing a page of another build makes Next reload it; UpdateBanner offers that instead.
  if (event.type === "updated") return false;
  // Usage is updated in place by the labels that show it; a whole page refresh per response is waste.
  if (event.type === "execution.usage") return false;
  if (!taskId) return true;
  switch (event.type) {
    case "task.changed":
      return event.task.id === taskId;
    case "task.deleted":
      return event.taskId === taskId;
    case "execution.changed":
      return event.execution.taskId === taskId;
    case "session.changed":
      return event.taskId === taskId;
  }
}

/**
 * Re-renders the current server page when something it shows changed on the server — a run
 * started or ended, an agent reported through CALLBACK_URL, another tab edited the task — so
 * every open page stays current without a reload. `catchUpOnConnect`: also refresh once when the
 * live channel first connects, for pages where a change in the moment between the server render
 * and the connection matters (Missions: a session that started or ended just then).
 */
export function LiveRefresh({ taskId, catchUpOnConnect = false }: { taskId?: string; catchUpOnConnect?: boolean }) {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useAppEvents((event) => {
    if (!concerns(event, taskId, catchUpOnConnect)) return;
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      if (!appWasUpdated()) router.refresh();
    }, REFRESH_DELAY_MS);
  });
  return null;
}
