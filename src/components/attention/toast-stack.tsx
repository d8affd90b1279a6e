"use client";

import { useEffect, useState } from "react";
import { linesBesideBadge } from "@/lib/attention/attention";
import { TASK_STATUS_LABELS } from "@/lib/domain";
import { useAttention, type Toast } from "@/stores/attention-store";
import { StatusBadge } from "../ui/status-badge";
import styles from "./attention.module.css";
import { TaskLink } from "@/components/task/task-link";

/** How long a toast stays; one that waits for a person's answer stays until dismissed. */
const TOAST_TTL_MS = 12_000;

export function ToastStack() {
  const toasts = useAttention((state) => state.toasts);
  return (
    <section className={styles.stack} aria-label="Notifications" aria-live="polite">
      {toasts.map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
    </section>
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const dismiss = useAttention((state) => state.dismiss);
  const [held, setHeld] = useState(false);
  const { notice } = toast;
  const sticky = notice.kind === "needs_input";

  useEffect(() => {
    if (sticky || held) return;
    const timer = setTimeout(() => dismiss(toast.id), TOAST_TTL_MS);
    return () => clearTimeout(timer);
  }, [sticky, held, toast.id, toast.version, dismiss]);

  const title = notice.title ?? "A task";
  const badge = notice.kind === "exited" ? { status: "stopped", label: "Exited" } : { status: notice.kind, label: TASK_STATUS_LABELS[notice.kind] };
  return (
    <article
      className={styles.toast}
      data-kind={notice.kind}
      aria-label={title}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <div className={styles.toastHeader}>
        <StatusBadge status={badge.status} label={badge.label} />
        <strong className={styles.toastTitle}>{title}</strong>
        <button type="button" className={`button button-ghost icon-button ${styles.close}`} aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
          <svg width="12" height="12" viewBox="0 0 14 14" aria-hidden="true">
            <path d="M3 3l8 8M11 3l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      <p className={styles.toastText}>
        {linesBesideBadge(notice)
          .map((line) => line.charAt(0).toUpperCase() + line.slice(1))
          .join(" · ")}
        {notice.detail ? <span className={styles.detail}>“{notice.detail}”</span> : null}
      </p>
      <TaskLink taskId={notice.taskId} className={styles.open} onClick={() => dismiss(toast.id)}>
        Open task
      </TaskLink>
    </article>
  );
}
