import Link from "next/link";
import { useId, type MouseEvent } from "react";
import { BOARD_COLUMN_CAP, BOARD_COLUMN_PAGE, boardHref, type ExpandedColumns } from "@/lib/board";
import { TASK_STATUS_LABELS } from "@/lib/domain";
import type { BoardColumnData } from "@/lib/view-models";
import { TaskCard } from "./task-card";
import styles from "./board.module.css";

interface BoardColumnProps {
  column: BoardColumnData;
  /** The filter the board was rendered with, kept by the Show more / Show fewer links. */
  query: string;
  expanded: ExpandedColumns;
  /** Follows Show more / Show fewer with the filter as typed (useBoardFilter). */
  onShowColumns: (all: ExpandedColumns) => void;
  now: number;
}

/**
 * One status column; a region named after the status, so it can be found by its name. Its count
 * is every task in the status (that matches the filter), also when an end-state column shows only
 * the most recent ones.
 */
export function BoardColumn({ column, query, expanded, onShowColumns, now }: BoardColumnProps) {
  const headingId = useId();
  const { status, total, tasks } = column;
  const hidden = total - tasks.length;
  const label = TASK_STATUS_LABELS[status];
  const moreColumns: ExpandedColumns = { ...expanded, [status]: tasks.length + BOARD_COLUMN_PAGE };
  const fewerColumns: ExpandedColumns = Object.fromEntries(Object.entries(expanded).filter(([name]) => name !== status));
  // A plain click goes through the filter (it may hold typed text the href lacks); a click with a
  // modifier (new tab, new window) follows the href.
  const follow = (all: ExpandedColumns) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onShowColumns(all);
  };
  return (
    <section className={styles.column} aria-labelledby={headingId} data-status={status}>
      <header className={styles.columnHeader}>
        <span className="badge-dot" aria-hidden="true" />
        <h2 id={headingId} className={styles.columnTitle}>
          {label}
        </h2>
        <span className={styles.columnCount}>
          <span aria-hidden="true">{total}</span>
          <span className="visually-hidden">{`${total} ${total === 1 ? "task" : "tasks"}`}</span>
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
      {column.capped && hidden > 0 ? (
        <p className={styles.columnMore}>
          <span>{`The ${tasks.length} most recent of ${total}.`}</span>
          {/* Not prefetched: the expanded column is the one large page the board can render. */}
          <Link href={boardHref({ q: query, all: moreColumns })} prefetch={false} scroll={false} onClick={follow(moreColumns)}>
            {hidden > BOARD_COLUMN_PAGE ? `Show ${BOARD_COLUMN_PAGE} more` : `Show all ${total}`}
            <span className="visually-hidden"> {label} tasks</span>
          </Link>
        </p>
      ) : null}
      {column.expanded && tasks.length > BOARD_COLUMN_CAP ? (
        <p className={styles.columnMore}>
          <Link href={boardHref({ q: query, all: fewerColumns })} prefetch={false} scroll={false} onClick={follow(fewerColumns)}>
            Show fewer
            <span className="visually-hidden"> {label} tasks</span>
          </Link>
        </p>
      ) : null}
    </section>
  );
}
