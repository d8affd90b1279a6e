import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { AppError, validationError } from "../../lib/errors";
import type { TaskStatus } from "../../lib/domain";
import { createTaskSchema, listTasksSchema, updateTaskSchema } from "../../lib/schemas/task-schemas";
import type { Db } from "../db/open-database";
import { executions, tasks, taskWorkspaces, type Execution, type Task } from "../db/schema";
import type { AppEvents } from "../events/app-events";
import type { ProfileService } from "../profiles/profile-service";
import { resolveTaskCwd } from "./cwd";

/** What a task's worktree fixes once it exists, with the words a person reads. */
const WORKSPACE_BOUND = [
  ["cwd", "working directory"],
  ["isolation", "isolation"],
  ["baseBranch", "base branch"],
] as const;

export class TaskService {
  constructor(
    private readonly db: Db,
    private readonly profiles: ProfileService,
    private readonly events: AppEvents,
  ) {}

  list(filter: unknown = {}): Task[] {
    const parsed = listTasksSchema.safeParse(filter ?? {});
    if (!parsed.success) throw validationError("tasks", parsed.error.issues);
    const { status, limit, offset } = parsed.data;
    const query = this.db
      .select()
      .from(tasks)
      .where(status ? eq(tasks.status, status) : undefined)
      // The id breaks ties so that pages never repeat or skip a task with the same update time.
      .orderBy(desc(tasks.updatedAt), desc(tasks.id))
      .$dynamic();
    if (limit !== undefined) query.limit(limit);
    if (offset !== undefined && offset > 0) query.offset(offset);
    return query.all();
  }

  find(id: string): Task | undefined {
    return this.db.select().from(tasks).where(eq(tasks.id, id)).get();
  }

  get(id: string): Task {
    const task = this.find(id);
    if (!task) throw new AppError("not_found:task", `No task with id ${id}`);
    return task;
  }

  create(input: unknown): Task {
    const parsed = createTaskSchema.safeParse(input);
    if (!parsed.success) throw validationError("task", parsed.error.issues);
    const data = parsed.data;
    const cwd = resolveTaskCwd(data.cwd);
    const profileId = data.profileId ? this.profiles.get(data.profileId).id : null;
    const id = randomUUID();
    const now = new Date();
    this.db
      .insert(tasks)
      .values({
        id,
        title: data.title,
        description: data.description,
        prompt: data.prompt,
        cwd,
        profileId,
        isolation: data.isolation ?? null,
        baseBranch: data.baseBranch || null,
        status: "todo",
        createdAt: now,
        updatedAt: now,
      })
      .run();
    const task = this.get(id);
    this.events.emit({ type: "task.changed", task, previousStatus: null });
    return task;
  }

  update(id: string, input: unknown): Task {
    const parsed = updateTaskSchema.safeParse(input);
    if (!parsed.success) throw validationError("task", parsed.error.issues);
    const before = this.get(id);
    const data = parsed.data;
    const patch: Partial<Task> = { updatedAt: new Date() };
    if (data.title !== undefined) patch.title = data.title;
    if (data.description !== undefined) patch.description = data.description;
    if (data.prompt !== undefined) patch.prompt = data.prompt;
    // The stored value sent back unchanged (the edit form sends every field) is not resolved again:
    // a directory that has gone away since must not block renaming the task.
    if (data.cwd !== undefined && data.cwd.trim() !== before.cwd) patch.cwd = resolveTaskCwd(data.cwd);
    if (data.profileId !== undefined) patch.profileId = data.profileId ? this.profiles.get(data.profileId).id : null;
    if (data.status !== undefined) patch.status = data.status;
    // Both only matter until the first isolated start creates the worktree; after that they are kept as a record.
    if (data.isolation !== undefined) patch.isolation = data.isolation;
    if (data.baseBranch !== undefined) patch.baseBranch = data.baseBranch || null;
    this.refuseWorkspaceChange(before, patch);
    this.db.update(tasks).set(patch).where(eq(tasks.id, id)).run();
    const task = this.get(id);
    this.events.emit({ type: "task.changed", task, previousStatus: before.status });
    return task;
  }

  /**
   * Once a task has its worktree, every run starts there: a new directory, isolation or base
   * branch would be stored and shown, and silently ignored.
   */
  private refuseWorkspaceChange(before: Task, patch: Partial<Task>): void {
    const changed = WORKSPACE_BOUND.filter(([field]) => patch[field] !== undefined && patch[field] !== before[field]);
    if (changed.length === 0) return;
    const workspace = this.db.select().from(taskWorkspaces).where(eq(taskWorkspaces.taskId, before.id)).get();
    if (!workspace) return;
    const labels = changed.map(([, label]) => label);
    const what = labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
    const message = `This task already runs in its own worktree (${workspace.worktreePath}, branch ${workspace.branch}): its ${what} can no longer change. Create a new task for another setup.`;
    throw new AppError("conflict:workspace", message, Object.fromEntries(changed.map(([field]) => [field, message])));
  }

  setStatus(id: string, status: TaskStatus, message?: string | null): Task {
    const patch: Partial<Task> = { status, updatedAt: new Date() };
    if (message !== undefined) patch.statusMessage = message;
    // Read before writing so the event can say what the task turned from (one process, sync driver: no race).
    const previousStatus = this.find(id)?.status ?? null;
    const result = this.db.update(tasks).set(patch).where(eq(tasks.id, id)).run();
    if (result.changes === 0) throw new AppError("not_found:task", `No task with id ${id}`);
    const task = this.get(id);
    this.events.emit({ type: "task.changed", task, previousStatus });
    return task;
  }

  /** Deletes the task; its executions go with it (foreign-key cascade). */
  delete(id: string): void {
    const result = this.db.delete(tasks).where(eq(tasks.id, id)).run();
    if (result.changes === 0) throw new AppError("not_found:task", `No task with id ${id}`);
    this.events.emit({ type: "task.deleted", taskId: id });
  }

  executionsOf(taskId: string, limit = 50): Execution[] {
    return this.db
      .select()
      .from(executions)
      .where(and(eq(executions.taskId, taskId)))
      .orderBy(desc(executions.startedAt))
      .limit(limit)
      .all();
  }
}
