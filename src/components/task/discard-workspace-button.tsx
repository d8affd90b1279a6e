"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { discardWorkspace } from "@/actions/workspace-actions";
import { DangerActions } from "../ui/danger-actions";
import { Dialog } from "../ui/dialog";
import { useActionRunner } from "../ui/use-action-runner";
import { ConfirmLossCheckbox, useWorkspaceLossReport, WorkspaceLossDetails } from "./workspace-loss";
import styles from "./task-page.module.css";

/**
 * "Start over": removes the task's worktree (and its branch, if asked) after showing what would be
 * lost; the task's next start makes a fresh worktree. The server refuses while the terminal runs
 * and without the tick when work would go.
 */
export function DiscardWorkspaceButton({ taskId }: { taskId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { report, loadError } = useWorkspaceLossReport(open, taskId);
  const [deleteBranch, setDeleteBranch] = useState(false);
  const [confirmLoss, setConfirmLoss] = useState(false);
  const { pending, failure, run, clear } = useActionRunner();

  useEffect(() => {
    if (!open) return;
    setDeleteBranch(false);
    setConfirmLoss(false);
  }, [open]);

  const close = () => {
    clear();
    setOpen(false);
  };
  const ws = report?.workspace;
  const loss = report?.loss;
  const lostFiles = loss?.uncommittedFiles ?? [];
  const lostCommits = deleteBranch ? (loss?.unmergedCommits ?? []) : [];
  const wouldLose = lostFiles.length > 0 || lostCommits.length > 0;
  const canRemove = ws !== undefined && ws !== null && loss !== undefined && loss !== null && (!wouldLose || confirmLoss);

  return (
    <>
      <button type="button" className="button button-small button-danger-ghost" onClick={() => setOpen(true)}>
        Remove worktree…
      </button>
      <Dialog open={open} onClose={close} title="Remove this task's worktree?" size="medium">
        <div className="form" data-testid="discard-workspace-dialog">
          {loadError ? (
            <p className="form-alert" role="alert">
              {loadError}
            </p>
          ) : null}
          {!report && !loadError ? <p className="muted">Checking the worktree for unsaved work…</p> : null}
          {ws && loss ? (
            <>
              <WorkspaceLossDetails workspace={ws} loss={loss} />
              <label className={styles.choice}>
                <input
                  type="checkbox"
                  checked={deleteBranch}
                  onChange={(event) => {
                    setDeleteBranch(event.target.checked);
                    setConfirmLoss(false);
                  }}
                />
                <span>
                  Delete the branch <span className="mono">{ws.branch}</span> too
                </span>
              </label>
              <p className="muted" data-testid="discard-next-start">
                {deleteBranch ? `The next start makes a fresh worktree on a new branch from ${ws.baseBranch}.` : `The branch stays in the repository with its commits; the next start makes a fresh worktree.`}{" "}
                Until then the task&apos;s directory, isolation and base branch can be edited again.
              </p>
              {wouldLose ? (
                <ConfirmLossCheckbox files={lostFiles.length} commits={lostCommits.length} checked={confirmLoss} onChange={setConfirmLoss} />
              ) : null}
            </>
          ) : null}
          <DangerActions
            failure={failure}
            onCancel={close}
            label="Remove worktree"
            pendingLabel="Removing…"
            pending={pending}
            disabled={!canRemove}
            onConfirm={() =>
              run(
                () => discardWorkspace(taskId, { deleteBranch, confirmLoss: wouldLose && confirmLoss }),
                () => {
                  setOpen(false);
                  router.refresh();
                },
              )
            }
          />
        </div>
      </Dialog>
    </>
  );
}
