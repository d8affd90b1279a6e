import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteTaskButton } from "@/components/task/delete-task-button";
import { EditTaskButton } from "@/components/task/edit-task-button";
import { ExecutionList } from "@/components/task/execution-list";
import { MarkDoneButton } from "@/components/task/mark-done-button";
import { TaskBrief } from "@/components/task/task-brief";
import { TaskProperties } from "@/components/task/task-properties";
import { TaskTabs } from "@/components/task/task-tabs";
import { TaskTerminal } from "@/components/task/task-terminal";
import { WorkspacePanel } from "@/components/task/workspace-panel";
import { LiveRefresh } from "@/components/live/live-refresh";
import styles from "@/components/task/task-page.module.css";
import { StatusBadge } from "@/components/ui/status-badge";
import { taskIdSchema } from "@/lib/schemas/task-schemas";
import type { ProfileOption } from "@/lib/view-models";
import { canResumeWith } from "@/lib/agent-clis";
import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

interface TaskPageProps {
  params: Promise<{ id: string }>;
}

/** A malformed id is just another unknown task. */
function findTask(id: string) {
  const parsed = taskIdSchema.safeParse(id);
  return parsed.success ? getServices().tasks.find(parsed.data) : undefined;
}

export async function generateMetadata({ params }: TaskPageProps): Promise<Metadata> {
  const task = findTask((await params).id);
  return { title: task ? task.title : "Task not found" };
}

export default async function TaskPage({ params }: TaskPageProps) {
  const task = findTask((await params).id);
  if (!task) notFound();

  const services = getServices();
  const profiles = services.profiles.list();
  const active = profiles.find((profile) => profile.isActive);
  const pinned = task.profileId ? profiles.find((profile) => profile.id === task.profileId) : undefined;
  const runProfile = pinned ?? active;
  const profileLabel = pinned ? pinned.name : `Active profile (${active?.name ?? "none"})`;
  const profileOptions: ProfileOption[] = profiles.map(({ id, name, isActive }) => ({ id, name, isActive }));
  const executions = services.tasks.executionsOf(task.id);
  const usage = Object.fromEntries(services.costs.usageOfMany(executions.map((e) => e.id)));
  const now = Date.now();
  const workspace = services.workspaces.workspaceOf(task.id);
  // Never a crash: a health check that cannot run is shown as the problem it is.
  const health = workspace
    ? await services.workspaces.health(task.id).catch((error: unknown) => ({
        state: "missing_repository" as const,
        message: `The workspace could not be checked: ${error instanceof Error ? error.message : String(error)}`,
      }))
    : null;
  const terminal = (
    <TaskTerminal
      taskId={task.id}
      prompt={task.prompt}
      profileName={runProfile?.name ?? "the agent"}
      canResume={
        runProfile !== undefined &&
        // A run whose worktree was removed since cannot be continued: only Start is offered.
        services.workspaces.resumeBlocker(task.id, services.executions.runForResume(task.id)) === undefined &&
        canResumeWith(runProfile.kind, { sessionId: Boolean(services.executions.latestAgentSessionId(task.id)), previousRun: executions.length > 0 })
      }
      initialSession={services.sessions.get(task.id)?.state ?? null}
    />
  );

  return (
    <main className="page">
      <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
        <Link prefetch={false} href="/">Board</Link>
        <span aria-hidden="true">/</span>
        <span className="faint">Task</span>
      </nav>

      <header className={styles.header}>
        <div className={styles.titleBlock}>
          <h1 className={styles.title}>{task.title}</h1>
          <div className={styles.headerMeta}>
            <span data-testid="task-status">
              <StatusBadge status={task.status} />
            </span>
            <span className={`mono ${styles.headerCwd}`} title={task.cwd}>
              {task.cwd}
            </span>
          </div>
        </div>
        <div className={styles.headerActions}>
          {task.status !== "done" ? <MarkDoneButton taskId={task.id} /> : null}
          <EditTaskButton
            taskId={task.id}
            profiles={profileOptions}
            values={{
              title: task.title,
              description: task.description,
              prompt: task.prompt,
              cwd: task.cwd,
              profileId: task.profileId ?? "",
              isolation: task.isolation ?? "",
              baseBranch: task.baseBranch ?? "",
            }}
            worktree={workspace ? { path: workspace.worktreePath, branch: workspace.branch } : undefined}
          />
          <DeleteTaskButton taskId={task.id} title={task.title} runCount={executions.length} hasWorkspace={Boolean(workspace)} />
        </div>
      </header>

      <section aria-label="Terminal" className={styles.terminalSlot}>
        <TaskTabs taskId={task.id} hasWorkspace={workspace !== undefined} taskTitle={task.title} taskDone={task.status === "done"} terminal={terminal} />
      </section>
      {/* Catch up once connected: a change between this render and the connection (a run's first usage reading) is not pushed again. */}
      <LiveRefresh taskId={task.id} catchUpOnConnect />

      <div className={styles.layout}>
        <div className={styles.mainColumn}>
          <TaskBrief task={task} />
          {workspace && health ? <WorkspacePanel taskId={task.id} workspace={workspace} health={health} /> : null}
          <ExecutionList executions={executions} now={now} usage={usage} />
        </div>
        <TaskProperties task={task} profileLabel={profileLabel} now={now} usage={usage} />
      </div>
    </main>
  );
}
