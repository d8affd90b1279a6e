import "server-only";
import { count, desc, eq, inArray, not, sql } from "drizzle-orm";
import {
  ALWAYS_SHOWN_STATUSES,
  BOARD_COLUMN_CAP,
  CAPPED_STATUSES,
  descriptionPreview,
  isCappedStatus,
  matchesBoardQuery,
  normalizeBoardQuery,
  shownCards,
  type BoardParams,
  type ExpandedColumns,
} from "../../lib/board";
import { TASK_STATUSES, type TaskStatus } from "../../lib/domain";
import { shortenPath } from "../../lib/format/paths";
import { isInboxStatus } from "../../lib/inbox";
import type { BoardColumnData, BoardData, BoardTask } from "../../lib/view-models";
import type { Db } from "../db/open-database";
import { tasks } from "../db/schema";

/**
 * Characters of a description read for its card's preview. More than PREVIEW_CHARS because
 * whitespace collapses (a pasted prompt indents and wraps); far less than the multi-kilobyte
 * prompts people paste, which the board need not read at all unless it filters.
 */
const PREVIEW_SOURCE_CHARS = 1000;

interface BoardRow {
  id: string;
  title: string;
  status: TaskStatus;
  cwd: string;
  profileId: string | null;
  updatedAt: Date;
  /** The whole description when filtering, else its first PREVIEW_SOURCE_CHARS characters. */
  description: string;
}

export interface LoadBoardOptions {
  params: BoardParams;
  /** Profile names by id, for the tag of a task that pins one. */
  profileNames: ReadonlyMap<string, string>;
  /** The home directory, shown as `~` in card paths. */
  home: string;
}

/**
 * The board as the browser gets it: per column the true count and, for an end-state column, its
 * most recent cards (BOARD_COLUMN_CAP, or as many as the URL's `all` asks for), each card with a
 * short preview instead of its description, and the filter applied to every task's whole text
 * here, where all of it is.
 */
export function loadBoard(db: Db, { params, profileNames, home }: LoadBoardOptions): BoardData {
  const statusCounts = countByStatus(db);
  const taskCount = sum(TASK_STATUSES.map((status) => statusCounts[status]));
  const needle = normalizeBoardQuery(params.q);
  const rowsByStatus = needle ? matchingRows(db, needle) : recentRows(db, params.all, statusCounts);
  const toCard = (row: BoardRow): BoardTask => ({
    id: row.id,
    title: row.title,
    preview: descriptionPreview(row.description),
    status: row.status,
    cwd: row.cwd,
    cwdShort: shortenPath(row.cwd, home),
    profileName: row.profileId ? (profileNames.get(row.profileId) ?? null) : null,
    updatedAt: row.updatedAt.getTime(),
  });

  // Rare columns appear when they hold tasks at all (not per filter), so columns do not jump while typing.
  const shown = TASK_STATUSES.filter((status) => ALWAYS_SHOWN_STATUSES.includes(status) || statusCounts[status] > 0);
  const columns: BoardColumnData[] = shown.map((status) => {
    const rows = rowsByStatus.get(status) ?? [];
    const limit = isCappedStatus(status) ? shownCards(params.all, status) : null;
    // Without a filter the capped columns were read with a LIMIT already; with one, every match was.
    const total = needle ? rows.length : statusCounts[status];
    const visible = limit === null ? rows : rows.slice(0, limit);
    return { status, total, tasks: visible.map(toCard), capped: limit !== null, expanded: limit !== null && limit > BOARD_COLUMN_CAP };
  });

  return {
    columns,
    taskCount,
    activeCount: statusCounts.running + statusCounts.needs_input,
    needsInputCount: statusCounts.needs_input,
    inboxCount: sum(TASK_STATUSES.filter(isInboxStatus).map((status) => statusCounts[status])),
    query: params.q,
    matchCount: needle ? sum(columns.map((column) => column.total)) : taskCount,
  };
}

function countByStatus(db: Db): Record<TaskStatus, number> {
  const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
  const rows = db.select({ status: tasks.status, n: count() }).from(tasks).groupBy(tasks.status).all();
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

const lightColumns = {
  id: tasks.id,
  title: tasks.title,
  status: tasks.status,
  cwd: tasks.cwd,
  profileId: tasks.profileId,
  updatedAt: tasks.updatedAt,
};

/** Same order as the task list everywhere: most recently updated first, the id breaking ties. */
const boardOrder = [desc(tasks.updatedAt), desc(tasks.id)] as const;

/** No filter: every task of the open columns, and of each end-state column only its most recent. */
function recentRows(db: Db, expanded: ExpandedColumns, counts: Record<TaskStatus, number>): Map<TaskStatus, BoardRow[]> {
  const select = () =>
    db
      .select({ ...lightColumns, description: sql<string>`substr(${tasks.description}, 1, ${PREVIEW_SOURCE_CHARS})` })
      .from(tasks);
  const rows: BoardRow[] = select()
    .where(not(inArray(tasks.status, [...CAPPED_STATUSES])))
    .orderBy(...boardOrder)
    .all();
  for (const status of CAPPED_STATUSES) {
    if (counts[status] === 0) continue;
    rows.push(...select().where(eq(tasks.status, status)).orderBy(...boardOrder).limit(shownCards(expanded, status)).all());
  }
  return groupByStatus(rows);
}

/**
 * A filter: every task's whole title, description and directory, matched here in JavaScript
 * with the board's own rule (SQLite's lower() folds ASCII only: "Ä" would not find "ä").
 */
function matchingRows(db: Db, needle: string): Map<TaskStatus, BoardRow[]> {
  const rows = db
    .select({ ...lightColumns, description: tasks.description })
    .from(tasks)
    .orderBy(...boardOrder)
    .all();
  return groupByStatus(rows.filter((row) => matchesBoardQuery(row, needle)));
}

function groupByStatus(rows: BoardRow[]): Map<TaskStatus, BoardRow[]> {
  const groups = new Map<TaskStatus, BoardRow[]>();
  for (const row of rows) {
    const group = groups.get(row.status);
    if (group) group.push(row);
    else groups.set(row.status, [row]);
  }
  return groups;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
