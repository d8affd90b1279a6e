import { and, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../db/open-database";
import { executionUsage, executions, type ExecutionUsageRow } from "../db/schema";
import type { UsageState } from "./transcript-usage";

/** The execution_usage table: per run, per transcript file, where reading stopped and what was counted. */
export class UsageStore {
  constructor(private readonly db: Db) {}

  /** Adds a transcript to a run (no-op when known). False when the run already has `max` files. */
  add(executionId: string, transcriptPath: string, max: number): boolean {
    const known = this.rowsOf(executionId);
    if (known.some((row) => row.transcriptPath === transcriptPath)) return true;
    if (known.length >= max) return false;
    this.db.insert(executionUsage).values({ executionId, transcriptPath }).onConflictDoNothing().run();
    return true;
  }

  rowsOf(executionId: string): ExecutionUsageRow[] {
    return this.db.select().from(executionUsage).where(eq(executionUsage.executionId, executionId)).all();
  }

  rowsOfMany(executionIds: readonly string[]): ExecutionUsageRow[] {
    if (executionIds.length === 0) return [];
    return this.db.select().from(executionUsage).where(inArray(executionUsage.executionId, [...executionIds])).all();
  }

  save(executionId: string, transcriptPath: string, readOffset: number, state: UsageState, updatedAt: Date): void {
    this.db
      .update(executionUsage)
      .set({ readOffset, byModel: state.byModel, recentMessages: state.recent, updatedAt })
      .where(and(eq(executionUsage.executionId, executionId), eq(executionUsage.transcriptPath, transcriptPath)))
      .run();
  }

  /** Runs that ended after their transcript was last read (e.g. while no app server was there): one last read is due. */
  endedSinceLastRead(): string[] {
    return this.db
      .selectDistinct({ id: executions.id })
      .from(executions)
      .innerJoin(executionUsage, eq(executionUsage.executionId, executions.id))
      .where(gte(executions.endedAt, executionUsage.updatedAt))
      .all()
      .map((row) => row.id);
  }

  /** Runs still `running` that have a transcript: what to keep reading after a restart. */
  runningWithTranscripts(): Array<{ id: string; taskId: string; startedAt: Date }> {
    return this.db
      .selectDistinct({ id: executions.id, taskId: executions.taskId, startedAt: executions.startedAt })
      .from(executions)
      .innerJoin(executionUsage, eq(executionUsage.executionId, executions.id))
      .where(eq(executions.status, "running"))
      .all();
  }
}
