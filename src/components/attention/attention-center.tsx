"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { noticeFor, mergeNotices, notificationContent, SeenSet, type AttentionNotice } from "@/lib/attention/attention";
import { useAppEvents } from "@/lib/client/app-events-client";
import { showNotification } from "@/lib/client/notifications-client";
import { useAttention } from "@/stores/attention-store";
import { ToastStack } from "./toast-stack";

/**
 * Notices about one task arriving this close together are one thing that happened (a process
 * exits, then its task turns failed): announced once, merged.
 */
const MERGE_WINDOW_MS = 400;

interface AttentionCenterProps {
  /** Titles of tasks with a session, from the server; later ones are learnt from task events. */
  taskTitles: Record<string, string>;
}

/**
 * Listens to live app events on every page and raises a toast — and, if allowed, a browser
 * notification — when a task needs someone: it turned needs_input, review or failed, or its
 * process exited.
 */
export function AttentionCenter({ taskTitles }: AttentionCenterProps) {
  const router = useRouter();
  const push = useAttention((state) => state.push);
  const titles = useRef(new Map<string, string>());
  const seen = useRef(new SeenSet());
  const pending = useRef(new Map<string, { notice: AttentionNotice; timer: ReturnType<typeof setTimeout> }>());

  useEffect(() => {
    for (const [id, title] of Object.entries(taskTitles)) titles.current.set(id, title);
  }, [taskTitles]);

  useEffect(() => {
    const waiting = pending.current;
    return () => {
      for (const entry of waiting.values()) clearTimeout(entry.timer);
      waiting.clear();
    };
  }, []);

  useAppEvents((event) => {
    if (event.type === "task.changed") titles.current.set(event.task.id, event.task.title);
    if (event.type === "task.deleted") titles.current.delete(event.taskId);
    const notice = noticeFor(event, seen.current, (id) => titles.current.get(id));
    if (!notice) return;
    const waiting = pending.current.get(notice.taskId);
    if (waiting) {
      waiting.notice = mergeNotices(waiting.notice, notice);
      return;
    }
    const entry = {
      notice,
      timer: setTimeout(() => {
        pending.current.delete(notice.taskId);
        // The title may have arrived after the exit (the status change follows it).
        const final = { ...entry.notice, title: entry.notice.title ?? titles.current.get(notice.taskId) };
        push(final);
        const { title, body } = notificationContent(final);
        showNotification(title, body, `ai-manager:${final.taskId}`, () => router.push(`/tasks/${final.taskId}`), `/tasks/${final.taskId}`);
      }, MERGE_WINDOW_MS),
    };
    pending.current.set(notice.taskId, entry);
  });

  return <ToastStack />;
}
