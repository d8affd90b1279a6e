import { memo } from "react";
import { shallow } from "zustand/shallow";
import { formatDateTime, formatRelativeTime } from "@/lib/format/time";
import type { BoardTask } from "@/lib/view-models";
import styles from "./board.module.css";
import { TaskLink } from "@/components/task/task-link";

interface TaskCardProps {
  task: BoardTask;
  now: number;
}

/**
 * Every live refresh brings every card anew (new objects, a new `now`): an expanded Done column
 * of 1 400 re-rendered them all, 0.5–1.2 s of the page's main thread per status change anywhere.
 * A card renders again only when what it shows changed.
 */
export const TaskCard = memo(
  TaskCardView,
  // A BoardTask holds only primitives; `now` matters only through the relative time it shows.
  (before: TaskCardProps, after: TaskCardProps) =>
    shallow(before.task, after.task) && formatRelativeTime(before.task.updatedAt, before.now) === formatRelativeTime(after.task.updatedAt, after.now),
);

function TaskCardView({ task, now }: TaskCardProps) {
  return (
    <TaskLink taskId={task.id} className={styles.card} data-status={task.status}>
      <span className={styles.cardTitle}>{task.title}</span>
      {task.preview ? <span className={styles.cardDescription}>{task.preview}</span> : null}
      <span className={styles.cardMeta}>
        <span className={styles.cardCwd} title={task.cwd}>
          <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
            <path
              d="M1.75 3.5h4l1.5 1.5h7v7.75a.75.75 0 0 1-.75.75H2.5a.75.75 0 0 1-.75-.75z"
              stroke="currentColor"
              strokeWidth="1.3"
              fill="none"
              strokeLinejoin="round"
            />
          </svg>
          <span className="visually-hidden">in </span>
          {task.cwdShort}
        </span>
        <span className={styles.cardFooter}>
          <time dateTime={new Date(task.updatedAt).toISOString()} title={`Updated ${formatDateTime(task.updatedAt)}`}>
            <span className="visually-hidden">updated </span>
            {formatRelativeTime(task.updatedAt, now)}
          </time>
          {task.profileName ? <span className="tag">{task.profileName}</span> : null}
        </span>
      </span>
    </TaskLink>
  );
}
