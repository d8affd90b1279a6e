"use client";

import { TASK_STATUSES, type TaskStatus } from "@/lib/domain";
import type { BoardTask, ProfileOption } from "@/lib/view-models";
import { useBoardUi } from "@/stores/board-ui-store";
import { NewTaskDialog } from "../task/new-task-dialog";
import { BoardColumn } from "./board-column";
import { EmptyBoard } from "./empty-board";
import styles from "./board.module.css";

/** Shown even when empty: the path a task normally takes. */
const ALWAYS_SHOWN: readonly TaskStatus[] = ["todo", "running", "needs_input", "review", "done"];

interface BoardViewProps {
  tasks: BoardTask[];
  profiles: ProfileOption[];
  defaultCwd: string;
  /** The server's clock at render time, so relative times match between server and client. */
  now: number;
}

export function BoardView({ tasks, profiles, defaultCwd, now }: BoardViewProps) {
  const filter = useBoardUi((state) => state.filter);
  const setFilter = useBoardUi((state) => state.setFilter);
  const openNewTask = useBoardUi((state) => state.openNewTask);

  const needle = filter.trim().toLowerCase();
  const visible = needle
    ? tasks.filter((task) => `${task.title}\n${task.description}\n${task.cwd}`.toLowerCase().includes(needle))
    : tasks;
  // Rare columns appear when they have tasks at all (not per filter), so columns do not jump while typing.
  const statuses = TASK_STATUSES.filter((status) => ALWAYS_SHOWN.includes(status) || tasks.some((t) => t.status === status));

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Board</h1>
          <p className="page-subtitle">{summary(tasks)}</p>
        </div>
        <div className={styles.toolbar}>
          {tasks.length > 0 ? (
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
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
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

      {tasks.length === 0 ? (
        <EmptyBoard onCreate={openNewTask} />
      ) : (
        <>
          {needle && visible.length === 0 ? (
            <p className={styles.noMatch} role="status">
              No tasks match “{filter.trim()}”.
            </p>
          ) : null}
          <div className={styles.columns} style={{ ["--column-count" as string]: statuses.length }}>
            {statuses.map((status) => (
              <BoardColumn key={status} status={status} tasks={visible.filter((t) => t.status === status)} now={now} />
            ))}
          </div>
        </>
      )}

      <NewTaskDialog profiles={profiles} defaultCwd={defaultCwd} />
    </>
  );
}

function summary(tasks: BoardTask[]): string {
  if (tasks.length === 0) return "Plan work for your coding agents and watch them run.";
  const active = tasks.filter((t) => t.status === "running" || t.status === "needs_input").length;
  const waiting = tasks.filter((t) => t.status === "needs_input").length;
  const parts = [`${tasks.length} ${tasks.length === 1 ? "task" : "tasks"}`];
  if (active > 0) parts.push(`${active} active`);
  if (waiting > 0) parts.push(`${waiting} waiting for you`);
  return parts.join(" · ");
}
