import { and, desc, eq, type SQL } from "drizzle-orm";
import { isAppError } from "../../lib/errors";
import { DEFAULT_MAX_LINE_CHARS, type OutputReadResult } from "../../terminal/host/output-log";
import type { HostedSession, HostedSessions } from "../../terminal/server/hosted-sessions";
import type { Db } from "../db/open-database";
import { executions, tasks, type Execution } from "../db/schema";
import type { HistoryService } from "../recordings/history-service";
import type { TaskService } from "../tasks/task-service";
import { SearchPool, type SearchJob, type SearchOutcome } from "./search-pool";
import type { GlobalSearchView, RunHitsView, RunSearchView, SearchSpec } from "./search-types";

/**
 * Search in task output: one run's whole output (`searchRun`), or every run of every task
 * (`searchAll`). The matching runs in worker threads (`search-pool.ts`); this decides what they
 * read:
 *
 * - A finished run: its recording, streamed, with the same line numbers a buffer read from that
 *   recording gives.
 * - A live run: the host first writes the recording's buffered tail (`flushRecording`), so the
 *   file holds every line the live log has numbered; the worker searches the file's completed
 *   lines [0, R), then the live log supplies lines R onwards (the unfinished line included) —
 *   each line searched once. Lines the file lacks (cut at its size cap) and the log no longer
 *   holds (the ring moved on) are reported as `unsearchable`.
 */

/** One search of one run ends within this (it answers what it found, with `complete: false`). */
export const RUN_SEARCH_BUDGET_MS = 20_000;
/** A search across all runs ends within this; the rest is the next page. */
export const GLOBAL_SEARCH_BUDGET_MS = 15_000;
/** Live log lines fetched from the terminal host per page. */
const LIVE_PAGE_LINES = 5_000;
/** Runs considered per page of a search across all tasks, and matches shown per run. */
export const GLOBAL_RUNS_PER_PAGE = 50;
export const GLOBAL_MATCHES_PER_RUN = 5;
/** A run's matches beyond this are not shown in a search across all runs. */
const GLOBAL_MAX_RUNS_SHOWN = 25;

const CAPPED_MARKER = /^\.\.\. \[\d+ chars dropped from the start of line (\d+)\] \.\.\.$/;

export interface OutputSearchDeps {
  db: Db;
  tasks: TaskService;
  sessions: HostedSessions;
  history: HistoryService;
}

export interface GlobalSearchOptions {
  spec: Omit<SearchSpec, "since" | "maxMatches" | "context"> & { context: number };
  offset: number;
  taskId?: string;
}

export class OutputSearchService {
  private readonly pool = new SearchPool();

  constructor(private readonly deps: OutputSearchDeps) {}

  async searchRun(taskId: string, spec: SearchSpec, executionId?: string, deadline = Date.now() + RUN_SEARCH_BUDGET_MS): Promise<RunSearchView> {
    this.deps.tasks.get(taskId); // not_found:task for an unknown task
    const session = this.deps.sessions.get(taskId);
    if (session && (executionId === undefined || executionId === session.executionId)) {
      return this.searchLive(taskId, session, spec, deadline);
    }
    const { execution, file } = this.deps.history.resolve(taskId, executionId);
    const outcome = await this.pool.run({ spec, maxLineChars: DEFAULT_MAX_LINE_CHARS, deadline, file: { path: file, mode: "whole" } });
    return runView(taskId, execution.id, "recording", false, spec, outcome, null);
  }

  async searchAll(options: GlobalSearchOptions): Promise<GlobalSearchView> {
    const deadline = Date.now() + GLOBAL_SEARCH_BUDGET_MS;
    const filters: SQL[] = [];
    if (options.taskId) filters.push(eq(executions.taskId, options.taskId));
    const rows = this.deps.db
      .select({ execution: executions, title: tasks.title })
      .from(executions)
      .innerJoin(tasks, eq(tasks.id, executions.taskId))
      .where(filters.length > 0 ? and(...filters) : undefined)
      .orderBy(desc(executions.startedAt), desc(executions.id))
      .limit(GLOBAL_RUNS_PER_PAGE)
      .offset(options.offset)
      .all();
    const spec: SearchSpec = { ...options.spec, since: 0, maxMatches: GLOBAL_MATCHES_PER_RUN };
    const runs: RunHitsView[] = [];
    const unreadable: GlobalSearchView["unreadable"] = [];
    let searched = 0;
    for (const { execution, title } of rows) {
      if (Date.now() >= deadline || runs.length >= GLOBAL_MAX_RUNS_SHOWN) break;
      searched++;
      let found: RunSearchView | undefined;
      try {
        found = await this.searchForGlobal(execution, spec, deadline);
      } catch (error) {
        // One damaged recording must not hide every other run's matches.
        if (!isAppError(error) || error.code !== "internal:recording") throw error;
        unreadable.push({ taskId: execution.taskId, taskTitle: title, executionId: execution.id, message: error.message });
        continue;
      }
      if (!found || found.totalMatches === 0) continue;
      runs.push({
        taskId: execution.taskId,
        taskTitle: title,
        executionId: execution.id,
        startedAt: execution.startedAt.toISOString(),
        status: execution.status,
        source: found.source,
        matches: found.matches,
        totalMatches: found.totalMatches,
        complete: found.complete,
      });
    }
    const more = searched < rows.length || rows.length === GLOBAL_RUNS_PER_PAGE;
    return {
      query: { query: spec.query, regex: spec.regex, caseSensitive: spec.caseSensitive, context: spec.context, maxMatches: spec.maxMatches },
      runs,
      runsSearched: searched,
      unreadable,
      nextOffset: more ? options.offset + searched : null,
    };
  }

  dispose(): void {
    this.pool.dispose();
  }

  /** One run of a search across all runs: a run without a recording (never started) is skipped. */
  private async searchForGlobal(execution: Execution, spec: SearchSpec, deadline: number): Promise<RunSearchView | undefined> {
    try {
      return await this.searchRun(execution.taskId, spec, execution.id, deadline);
    } catch (error) {
      if (isAppError(error) && error.code.startsWith("not_found:")) return undefined;
      throw error;
    }
  }

  private async searchLive(taskId: string, session: HostedSession, spec: SearchSpec, deadline: number): Promise<RunSearchView> {
    const flushed = await session.flushRecording();
    const file = flushed.recording === "none" ? undefined : this.deps.history.recordingFile(session.executionId);
    let gap: { fromLine: number; toLine: number } | null = null;
    const live: SearchJob["live"] = async function* (fromLine) {
      let since = fromLine;
      for (;;) {
        const read = await session.readLog({ mode: "full", since, maxLines: LIVE_PAGE_LINES });
        if (read.stats.linesShown === 0) return;
        const first = Math.max(since, read.firstLine);
        if (first > since && gap === null) gap = { fromLine: since, toLine: first };
        yield { firstLine: first, lines: logLines(read, first) };
        // Everything numbered when the search began has been seen: a flood going on does not hold it.
        if (!read.hasMore || read.endsWithPartialLine || read.nextReadFrom >= flushed.totalLines) return;
        since = read.nextReadFrom;
      }
    };
    const outcome = await this.pool.run({
      spec,
      maxLineChars: DEFAULT_MAX_LINE_CHARS,
      deadline,
      live,
      ...(file ? { file: { path: file, mode: "prefix" as const } } : {}),
    });
    return runView(taskId, session.executionId, "live", session.running, spec, outcome, gap);
  }
}

/** A raw buffer read's text as its log lines (capped lines' marker lines removed). */
export function logLines(read: OutputReadResult, firstLine: number): string[] {
  const pieces = read.output.split("\n");
  let markers = pieces.length - read.stats.linesShown;
  if (markers <= 0) return pieces;
  const lines: string[] = [];
  for (const piece of pieces) {
    const marker = markers > 0 ? CAPPED_MARKER.exec(piece) : null;
    if (marker && Number(marker[1]) === firstLine + lines.length) {
      markers--;
      continue;
    }
    lines.push(piece);
  }
  return lines;
}

function runView(
  taskId: string,
  executionId: string,
  source: "live" | "recording",
  running: boolean,
  spec: SearchSpec,
  outcome: SearchOutcome,
  gap: { fromLine: number; toLine: number } | null,
): RunSearchView {
  const { result, complete } = outcome;
  // A search cut off by its time budget goes on from where it stopped.
  const nextFrom = result.nextFrom ?? (complete ? null : Math.max(result.lines, spec.since));
  return {
    taskId,
    executionId,
    source,
    running,
    query: spec,
    matches: result.matches,
    totalMatches: result.totalMatches,
    hasMore: nextFrom !== null,
    nextFrom,
    complete,
    searchedToLine: Math.max(result.lines, spec.since),
    unsearchable: gap,
  };
}
