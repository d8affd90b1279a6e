"use client";

import { useRouter } from "next/navigation";
import { repairWorkspace } from "@/actions/workspace-actions";
import type { TaskWorkspace, WorkspaceHealth } from "@/workspace/types";
import { useActionRunner } from "../ui/use-action-runner";
import { DiscardWorkspaceButton } from "./discard-workspace-button";
import styles from "./task-page.module.css";

const STATE_LABELS: Record<WorkspaceHealth["state"], string> = {
  ok: "Healthy",
  missing_worktree: "Worktree missing",
  missing_branch: "Branch missing",
  missing_repository: "Repository moved or gone",
};

/** An isolated task's worktree: where it is, which branch, what is wrong with it (Repair), and Remove to start over. */
export function WorkspacePanel({ taskId, workspace, health }: { taskId: string; workspace: TaskWorkspace; health: WorkspaceHealth }) {
  const router = useRouter();
  const { pending, failure, run } = useActionRunner();
  return (
    <section className={`panel ${styles.workspace}`} aria-labelledby="workspace-title" data-testid="workspace-panel">
      <div className="panel-header">
        <h2 id="workspace-title">Workspace</h2>
        <span className="tag" data-testid="workspace-health" data-state={health.state}>
          {STATE_LABELS[health.state]}
        </span>
      </div>
      <div className="panel-body">
        <dl className={styles.propertyList}>
          <div>
            <dt>Branch</dt>
            <dd className="mono">{workspace.branch}</dd>
          </div>
          <div>
            <dt>Base</dt>
            <dd className="mono">{workspace.baseBranch}</dd>
          </div>
          <div>
            <dt>Worktree</dt>
            <dd className="mono">{workspace.worktreePath}</dd>
          </div>
          <div>
            <dt>Repository</dt>
            <dd className="mono">{workspace.repoRoot}</dd>
          </div>
        </dl>
        <p className="muted">
          Files copied into new worktrees and the setup command: <a href="/settings#repos-title">Settings → Repositories</a>.
        </p>
        <div className={styles.workspaceActions}>
          <DiscardWorkspaceButton taskId={taskId} />
        </div>
        {health.state !== "ok" ? (
          <div className={styles.workspaceProblem} role="alert">
            <p>{health.message}</p>
            {failure ? <p className="form-alert">{failure.message}</p> : null}
            <div>
              <button
                type="button"
                className="button button-small"
                disabled={pending}
                onClick={() => run(() => repairWorkspace(taskId), () => router.refresh())}
              >
                {pending ? "Repairing…" : "Repair"}
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}

