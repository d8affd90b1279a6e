import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, inArray, ne } from "drizzle-orm";
import type { AgentStatus, ExecutionStatus, ProfileKind } from "../../lib/domain";
import { AppError } from "../../lib/errors";
import type { Db } from "../db/open-database";
import { cliProfiles, executions, tasks, type CliProfile, type Execution } from "../db/schema";
import type { AppEvents } from "../events/app-events";

export interface NewExecutionInput {
  taskId: string;
  profile: CliProfile;
  commandLine: string;
  cwd: string;
  callbackSecretHash: string;
  agentSessionId?: string | null;
  /** The run's clock origin; the recording's, so its event offsets map to dates exactly. Default: now. */
  startedAt?: Date;
}

/** The `executions` table: one row per run of a task's terminal. */
export class ExecutionService {
  constructor(
    private readonly db: Db,
    private readonly events: AppEvents,
  ) {}

  newId(): string {
    return randomUUID();
  }

  create(id: string, input: NewExecutionInput): Execution {
    this.db
      .insert(executions)
      .values({
        id,
        taskId: input.taskId,
        profileId: input.profile.id,
        profileName: input.profile.name,
        commandLine: input.commandLine,
        cwd: input.cwd,
        status: "running",
        callbackSecretHash: input.callbackSecretHash,
        agentSessionId: input.agentSessionId ?? null,
        startedAt: input.startedAt ?? new Date(),
      })
      .run();
    return this.changed(id);
  }

  find(id: string): Execution | undefined {
    return this.db.select().from(executions).where(eq(executions.id, id)).get();
  }

  get(id: string): Execution {
    const execution = this.find(id);
    if (!execution) throw new AppError("not_found:execution", `No execution with id ${id}`);
    return execution;
  }

  latestForTask(taskId: string): Execution | undefined {
    return this.db
      .select()
      .from(executions)
      .where(eq(executions.taskId, taskId))
      .orderBy(desc(executions.startedAt))
      .limit(1)
      .get();
  }

  listForTask(taskId: string, limit = 50): Execution[] {
    return this.db
      .select()
      .from(executions)
      .where(eq(executions.taskId, taskId))
      .orderBy(desc(executions.startedAt))
      .limit(limit)
      .all();
  }

  /** The most recent agent session id recorded for a task (what Resume uses by default). */
  /**
   * The run a resume continues: the latest run that reported `sessionId` (or, without one, the
   * latest that reported any session), else the latest run.
   */
  runForResume(taskId: string, sessionId?: string): Execution | undefined {
    const rows = this.db.select().from(executions).where(eq(executions.taskId, taskId)).orderBy(desc(executions.startedAt)).limit(20).all();
    return rows.find((row) => (sessionId ? row.agentSessionId === sessionId : Boolean(row.agentSessionId))) ?? rows[0];
  }

  /**
   * The latest run of another task, by a profile of `kind`, in `cwd`, that started after this
   * task's latest run (any such run if this task never ran). A CLI that resumes "its most recent
   * session in this directory" would open that task's conversation.
   */
  laterRunOfAnotherTask(taskId: string, kind: ProfileKind, cwd: string): { taskId: string; title: string } | undefined {
    const own = this.latestForTask(taskId);
    return this.db
      .select({ taskId: executions.taskId, title: tasks.title })
      .from(executions)
      .innerJoin(cliProfiles, eq(executions.profileId, cliProfiles.id))
      .innerJoin(tasks, eq(executions.taskId, tasks.id))
      .where(and(eq(executions.cwd, cwd), eq(cliProfiles.kind, kind), ne(executions.taskId, taskId), own ? gt(executions.startedAt, own.startedAt) : undefined))
      .orderBy(desc(executions.startedAt))
      .limit(1)
      .get();
  }

  latestAgentSessionId(taskId: string): string | undefined {
    const rows = this.db
      .select({ agentSessionId: executions.agentSessionId })
      .from(executions)
      .where(eq(executions.taskId, taskId))
      .orderBy(desc(executions.startedAt))
      .limit(20)
      .all();
    return rows.find((r) => r.agentSessionId)?.agentSessionId ?? undefined;
  }

  setPid(id: string, pid: number): void {
    this.db.update(executions).set({ pid }).where(eq(executions.id, id)).run();
  }

  markEnded(
    id: string,
    result: { status: ExecutionStatus; exitCode: number | null; signal: string | null; endedAt: Date; error?: string },
  ): Execution {
    this.db
      .update(executions)
      .set({
        status: result.status,
        exitCode: result.exitCode,
        signal: result.signal,
        endedAt: result.endedAt,
        error: result.error ?? null,
      })
      .where(eq(executions.id, id))
      .run();
    return this.changed(id);
  }

  recordAgentReport(id: string, report: { status?: AgentStatus; message?: string | null; sessionId?: string | null }): Execution {
    const patch: Partial<Execution> = {};
    if (report.status !== undefined) patch.agentStatus = report.status;
    if (report.message !== undefined) patch.agentMessage = report.message;
    if (report.sessionId) patch.agentSessionId = report.sessionId;
    if (Object.keys(patch).length > 0) this.db.update(executions).set(patch).where(eq(executions.id, id)).run();
    return this.changed(id);
  }

  /**
   * Start-up after a crash: runs that were live when the previous server died are marked
   * `interrupted`, and so are their tasks when those still say `running`. A run's `endedAt` is
   * when it was last seen alive (`lastSeenAlive`, e.g. its recording's last event), not this
   * restart, which can come much later; without that, its start.
   */
  markStaleInterrupted(
    lastSeenAlive: (execution: Execution) => Date | undefined = () => undefined,
    now = new Date(),
    /** Runs still alive in the terminal host: not stale. */
    alive: ReadonlySet<string> = new Set(),
  ): Execution[] {
    const stale = this.db
      .select()
      .from(executions)
      .where(eq(executions.status, "running"))
      .all()
      .filter((execution) => !alive.has(execution.id));
    if (stale.length === 0) return [];
    this.db.transaction((tx) => {
      for (const execution of stale) {
        const seen = lastSeenAlive(execution)?.getTime();
        const endedAt = new Date(Math.min(now.getTime(), Math.max(execution.startedAt.getTime(), seen ?? execution.startedAt.getTime())));
        tx.update(executions)
          .set({ status: "interrupted", endedAt, error: "The server stopped while this run was live" })
          .where(and(eq(executions.id, execution.id), eq(executions.status, "running")))
          .run();
      }
      const taskIds = [...new Set(stale.map((e) => e.taskId))];
      const affected = tx.select().from(tasks).where(inArray(tasks.id, taskIds)).all();
      for (const task of affected) {
        if (task.status === "running" || task.status === "needs_input") {
          tx.update(tasks).set({ status: "interrupted", updatedAt: now }).where(eq(tasks.id, task.id)).run();
        }
      }
    });
    return stale.map((e) => this.get(e.id));
  }

  private changed(id: string): Execution {
    const execution = this.get(id);
    this.events.emit({ type: "execution.changed", execution });
    return execution;
  }
}
