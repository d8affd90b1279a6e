"use client";

import { MAX_BOARD_QUERY_CHARS, type ExpandedColumns } from "@/lib/board";
import type { BoardData, ProfileOption } from "@/lib/view-models";
import { useBoardUi } from "@/stores/board-ui-store";
import { NewTaskDialog } from "../task/new-task-dialog";
import { BoardColumn } from "./board-column";
import { EmptyBoard } from "./empty-board";
import { useBoardFilter } from "./use-board-filter";
import styles from "./board.module.css";

interface BoardViewProps {
  /** Shaped on the server: counts, capped end-state columns, card previews, the filter applied. */
  board: BoardData;
  /** The end-state columns showing more than their first cards, and how many (the URL's `all`). */
  expanded: ExpandedColumns;
  profiles: ProfileOption[];
  defaultCwd: string;
  /** The server's clock at render time, so relative times match between server and client. */
  now: number;
}

export function BoardView({ board, expanded, profiles, defaultCwd, now }: BoardViewProps) {
  const openNewTask = useBoardUi((state) => state.openNewTask);
  const filter = useBoardFilter(board.query, expanded);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Board</h1>
          <p className="page-subtitle">{summary(board)}</p>
        </div>
        <div className={styles.toolbar}>
          {board.taskCount > 0 ? (
            <div className={styles.filter}>
              <label htmlFor="board-filter" className="visually-hidden">
                Filter tasks
              </label>
              <svg className={styles.filterIcon} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                <circle cx="7" cy="7" r="4.5" stroke="currentColor" strokeWidth="1.5" fill="none" />
                <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
              </svg>
              <input
                id="board-filter"
                data-shortcut-filter=""
                type="search"
                className={`input ${styles.filterInput}`}
                placeholder="Filter by title, notes or directory"
                maxLength={MAX_BOARD_QUERY_CHARS}
                value={filter.text}
                onChange={(event) => filter.setText(event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === "Enter") filter.flush();
                }}
              />
            </div>
          ) : null}
          <button type="button" className="button button-primary" onClick={openNewTask}>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
            </svg>
            New task
          </button>
        </div>
      </div>

      {board.taskCount === 0 ? (
        <EmptyBoard onCreate={openNewTask} />
      ) : (
        <>
          {board.query && board.matchCount === 0 ? (
            <p className={styles.noMatch} role="status">
              No tasks match “{board.query}”.
            </p>
          ) : null}
          <div
            className={styles.columns}
            style={{ ["--column-count" as string]: board.columns.length }}
            aria-busy={filter.pending}
            data-pending={filter.pending ? "" : undefined}
          >
            {board.columns.map((column) => (
              <BoardColumn key={column.status} column={column} query={board.query} expanded={expanded} onShowColumns={filter.showColumns} now={now} />
            ))}
          </div>
        </>
      )}

      <NewTaskDialog profiles={profiles} defaultCwd={defaultCwd} />
    </>
  );
}

function summary(board: BoardData): string {
  if (board.taskCount === 0) return "Plan work for your coding agents and watch them run.";
  const parts = [`${board.taskCount} ${board.taskCount === 1 ? "task" : "tasks"}`];
  if (board.activeCount > 0) parts.push(`${board.activeCount} active`);
  if (board.needsInputCount > 0) parts.push(`${board.needsInputCount} waiting for you`);
  return parts.join(" · ");
}
