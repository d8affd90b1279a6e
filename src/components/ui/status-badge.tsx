import { TASK_STATUS_LABELS, type TaskStatus } from "@/lib/domain";

/** A coloured pill for a task or execution status; the colour comes from `[data-status]` in globals.css. */
export function StatusBadge({ status, label }: { status: TaskStatus | string; label?: string }) {
  const text = label ?? (status in TASK_STATUS_LABELS ? TASK_STATUS_LABELS[status as TaskStatus] : humanize(status));
  return (
    <span className="badge" data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function humanize(value: string): string {
  const spaced = value.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
