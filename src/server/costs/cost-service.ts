import fs from "node:fs/promises";
import path from "node:path";
import type { RunUsage } from "../../lib/format/run-usage";
import type { Db } from "../db/open-database";
import { eq } from "drizzle-orm";
import { executions, type Execution } from "../db/schema";
import type { AppEvents } from "../events/app-events";
import type { Logger } from "../logger";
import { runUsageOf } from "./run-usage";
import { readAppendedLines, DEFAULT_READ_LIMITS, type ReadLimits } from "./transcript-reader";
import { SUBAGENT_FILE, subagentDirOf } from "./transcript-path";
import { applyTranscriptLine, emptyUsageState, mergeByModel, type UsageState } from "./transcript-usage";
import { UsageStore } from "./usage-store";

/** A running Claude run's transcript is looked at this often besides the hooks' reports: a stat, and a read only when it grew. */
export const USAGE_POLL_MS = 5_000;
/** A run that is behind (a long transcript, e.g. a resumed session's history) reads its next slice this soon. */
const CATCH_UP_MS = 100;
/** Pages hear of a run's usage at most this often; counts change with every response. */
const EMIT_MIN_MS = 1_000;
/** What one refresh of a run reads at most over all its files; the rest follows in the next slices. */
const RUN_READ_BUDGET_BYTES = 8 * 1024 * 1024;
/** One session, its `/clear`-ed successors and their subagents; a bound on files a run can name. */
export const MAX_TRANSCRIPTS_PER_RUN = 200;

export interface CostServiceDeps {
  db: Db;
  events: AppEvents;
  logger: Logger;
  pollMs?: number;
  readLimits?: ReadLimits;
}

interface Tracked {
  taskId: string;
  /** The run's start (ms): transcript entries before it belong to earlier runs of the session. */
  since: number;
  timer: NodeJS.Timeout;
  lastEmit: number;
  emitTimer?: NodeJS.Timeout;
  catchUp?: NodeJS.Timeout;
}

/**
 * What each Claude run spent, kept current while it runs. A hook's `transcript_path` starts the
 * tracking; each hook report and a modest timer read what the transcript appended since the last
 * read (a byte offset per file, kept in SQLite with the counts, so a restart resumes there).
 * When the run ends, one last read, then the timer stops.
 */
export class CostService {
  private readonly store: UsageStore;
  private readonly tracked = new Map<string, Tracked>();
  /** The read in progress per run (tracked or not), and whether another was asked for meanwhile. */
  private readonly reads = new Map<string, { promise: Promise<void>; again: boolean }>();
  private readonly unsubscribe: () => void;
  private readonly pollMs: number;
  private readonly limits: ReadLimits;
  private closed = false;

  constructor(private readonly deps: CostServiceDeps) {
    this.store = new UsageStore(deps.db);
    this.pollMs = deps.pollMs ?? USAGE_POLL_MS;
    this.limits = deps.readLimits ?? DEFAULT_READ_LIMITS;
    this.unsubscribe = deps.events.onEvent((event) => {
      if (event.type !== "execution.changed" || event.execution.status === "running") return;
      const id = event.execution.id;
      // A run that ended while no app server was there was never tracked by this one; its last lines are due too.
      if (!this.tracked.has(id) && this.store.rowsOf(id).length === 0) return;
      this.finish(id).catch((error: unknown) => deps.logger.warn({ err: error, executionId: id }, "the last read of a run's transcript failed"));
    });
  }

  /** A hook of a running run reported its transcript (the path is already validated). Reads it soon. */
  noteTranscript(execution: Execution, transcriptPath: string): boolean {
    if (this.closed) return false;
    const added = this.store.add(execution.id, transcriptPath, MAX_TRANSCRIPTS_PER_RUN);
    if (!added) {
      this.deps.logger.warn({ executionId: execution.id }, "a run reported more transcripts than are tracked; the rest are not counted");
      return false;
    }
    if (execution.status === "running") this.track(execution.id, execution.taskId, execution.startedAt);
    void this.refresh(execution.id);
    return true;
  }

  /** After a restart: keep reading the transcripts of runs that are still live; read the last lines of runs that ended meanwhile. */
  resume(): void {
    for (const id of this.store.endedSinceLastRead()) void this.refresh(id);
    for (const run of this.store.runningWithTranscripts()) {
      this.track(run.id, run.taskId, run.startedAt);
      void this.refresh(run.id);
    }
  }

  usageOf(executionId: string): RunUsage | null {
    return this.summarize(this.store.rowsOf(executionId));
  }

  usageOfMany(executionIds: readonly string[]): Map<string, RunUsage> {
    const rows = this.store.rowsOfMany(executionIds);
    const result = new Map<string, RunUsage>();
    for (const id of new Set(rows.map((row) => row.executionId))) {
      const usage = this.summarize(rows.filter((row) => row.executionId === id));
      if (usage) result.set(id, usage);
    }
    return result;
  }

  /**
   * Reads what the run's transcripts appended. One read at a time per run; a call during a read
   * makes one more read after it (the hook that called may have seen lines the running read missed).
   */
  refresh(executionId: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const current = this.reads.get(executionId);
    if (current) {
      current.again = true;
      return current.promise;
    }
    const read: { promise: Promise<void>; again: boolean } = { promise: Promise.resolve(), again: false };
    const run = async (): Promise<void> => {
      do {
        read.again = false;
        await this.readOnce(executionId);
      } while (read.again && !this.closed);
    };
    read.promise = run()
      .catch((error: unknown) => this.deps.logger.warn({ err: error, executionId }, "reading a run's transcript failed"))
      .finally(() => this.reads.delete(executionId));
    this.reads.set(executionId, read);
    return read.promise;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const tracked of this.tracked.values()) this.clearTimers(tracked);
    this.tracked.clear();
  }

  private track(executionId: string, taskId: string, startedAt: Date): void {
    if (this.tracked.has(executionId) || this.closed) return;
    const timer = setInterval(() => void this.refresh(executionId), this.pollMs);
    timer.unref();
    this.tracked.set(executionId, { taskId, since: startedAt.getTime(), timer, lastEmit: 0 });
  }

  private async finish(executionId: string): Promise<void> {
    const tracked = this.tracked.get(executionId);
    if (!tracked) return this.refresh(executionId);
    clearInterval(tracked.timer);
    await this.refresh(executionId);
    this.clearTimers(tracked);
    this.tracked.delete(executionId);
    if (!this.closed) this.emit(executionId, tracked.taskId);
  }

  private clearTimers(tracked: Tracked): void {
    clearInterval(tracked.timer);
    clearTimeout(tracked.emitTimer);
    clearTimeout(tracked.catchUp);
  }

  /** Every await is followed by a look at `closed`: the database is closed right after this service. */
  private async readOnce(executionId: string): Promise<void> {
    await this.discoverSubagents(executionId);
    if (this.closed) return;
    const rows = this.store.rowsOf(executionId);
    if (rows.length === 0) return;
    const tracked = this.tracked.get(executionId);
    const since = tracked?.since ?? this.startOf(executionId);
    let changed = false;
    let behind = false;
    let budget = RUN_READ_BUDGET_BYTES;
    for (const row of rows) {
      if (budget <= 0) {
        behind = true;
        break;
      }
      const read = await readAppendedLines(row.transcriptPath, row.readOffset, this.limits);
      if (this.closed) return;
      if (!read) continue;
      if (read.truncated) {
        // Replaced or cut short: what it said before is no longer its content; count it afresh.
        this.store.save(executionId, row.transcriptPath, 0, emptyUsageState(), new Date());
        changed = true;
        behind = true;
        continue;
      }
      if (read.nextOffset === row.readOffset) continue;
      const state: UsageState = { byModel: row.byModel, recent: row.recentMessages };
      let counted = false;
      for (const line of read.lines) {
        const outcome = applyTranscriptLine(state, line, since);
        if (outcome === "counted" || outcome === "repeat") counted = true;
      }
      this.store.save(executionId, row.transcriptPath, read.nextOffset, state, new Date());
      budget -= read.nextOffset - row.readOffset;
      changed ||= counted;
      behind ||= read.more;
    }
    if (!tracked) return;
    if (changed) this.emit(executionId, tracked.taskId);
    if (behind && !this.closed) {
      clearTimeout(tracked.catchUp);
      tracked.catchUp = setTimeout(() => void this.refresh(executionId), CATCH_UP_MS);
      tracked.catchUp.unref();
    }
  }

  /** Subagents (Claude's Task tool) write their own transcripts beside the session's. */
  private async discoverSubagents(executionId: string): Promise<void> {
    const mains = this.store.rowsOf(executionId).filter((row) => !path.dirname(row.transcriptPath).endsWith(`${path.sep}subagents`));
    for (const main of mains) {
      const dir = subagentDirOf(main.transcriptPath);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      if (this.closed) return;
      for (const name of names.filter((n) => SUBAGENT_FILE.test(n)).sort()) {
        if (!this.store.add(executionId, path.join(dir, name), MAX_TRANSCRIPTS_PER_RUN)) return;
      }
    }
  }

  private startOf(executionId: string): number {
    const row = this.deps.db.select({ startedAt: executions.startedAt }).from(executions).where(eq(executions.id, executionId)).get();
    return row?.startedAt.getTime() ?? 0;
  }

  private emit(executionId: string, taskId: string): void {
    if (this.closed) return;
    const tracked = this.tracked.get(executionId);
    const send = () => {
      const usage = this.usageOf(executionId);
      if (usage && !this.closed) this.deps.events.emit({ type: "execution.usage", executionId, taskId, usage });
    };
    if (!tracked) return send();
    const wait = tracked.lastEmit + EMIT_MIN_MS - Date.now();
    if (wait <= 0) {
      tracked.lastEmit = Date.now();
      send();
    } else if (!tracked.emitTimer) {
      tracked.emitTimer = setTimeout(() => {
        tracked.emitTimer = undefined;
        tracked.lastEmit = Date.now();
        send();
      }, wait);
      tracked.emitTimer.unref();
    }
  }

  private summarize(rows: ReturnType<UsageStore["rowsOf"]>): RunUsage | null {
    if (rows.length === 0) return null;
    const updatedAt = new Date(Math.max(...rows.map((row) => row.updatedAt.getTime())));
    const usage = runUsageOf(mergeByModel(rows.map((row) => row.byModel)), updatedAt);
    // Nothing in Claude's format yet (a run's first seconds, or another CLI's transcript, e.g. Gemini's hooks): no figure rather than "0 tokens".
    return usage.messages > 0 ? usage : null;
  }
}
