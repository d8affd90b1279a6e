import { useId } from "react";
import { TASK_STATUS_LABELS, type TaskStatus } from "@/lib/domain";
import type { BoardTask } from "@/lib/view-models";
import { TaskCard } from "./task-card";
import styles from "./board.module.css";

/** One status column; a region named after the status, so it can be found by its name. */
export function BoardColumn({ status, tasks, now }: { status: TaskStatus; tasks: BoardTask[]; now: number }) {
  const headingId = useId();
  return (
    <section className={styles.column} aria-labelledby={headingId} data-status={status}>
      <header className={styles.columnHeader}>
        <span className="badge-dot" aria-hidden="true" />
        <h2 id={headingId} className={styles.columnTitle}>
          {TASK_STATUS_LABELS[status]}
        </h2>
        <span className={styles.columnCount}>
          <span aria-hidden="true">{tasks.length}</span>
          <span className="visually-hidden">{`${tasks.length} ${tasks.length === 1 ? "task" : "tasks"}`}</span>
        </span>
      </header>
      {tasks.length === 0 ? (
        <p className={styles.columnEmpty}>No tasks</p>
      ) : (
        <ul className={styles.cardList}>
          {tasks.map((task) => (
            <li key={task.id}>
              <TaskCard task={task} now={now} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
