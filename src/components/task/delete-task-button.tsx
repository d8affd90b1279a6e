"use client";

import { useEffect, useState } from "react";
import { deleteTask } from "@/actions/task-actions";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DangerActions } from "../ui/danger-actions";
import { Dialog } from "../ui/dialog";
import { useActionRunner } from "../ui/use-action-runner";
import { ConfirmLossCheckbox, useWorkspaceLossReport, WorkspaceLossDetails } from "./workspace-loss";
import styles from "./task-page.module.css";

interface DeleteTaskButtonProps {
  taskId: string;
  title: string;
  runCount: number;
  /** An isolated task with a worktree: the dialog shows what would be lost and asks what to remove. */
  hasWorkspace?: boolean;
}

/** Delete with a confirmation; on success the action itself navigates to the board. */
export function DeleteTaskButton({ taskId, title, runCount, hasWorkspace = false }: DeleteTaskButtonProps) {
  const [open, setOpen] = useState(false);
  const runs = runCount > 0 ? ` and the record of its ${runCount} ${runCount === 1 ? "run" : "runs"}` : "";
  return (
    <>
      <button type="button" className="button button-danger-ghost" onClick={() => setOpen(true)}>
        Delete
      </button>
      {hasWorkspace ? (
        <DeleteWithWorkspaceDialog open={open} onClose={() => setOpen(false)} taskId={taskId} title={title} runs={runs} />
      ) : (
        <ConfirmDialog
          open={open}
          onClose={() => setOpen(false)}
          title="Delete this task?"
          confirmLabel="Delete task"
          onConfirm={() => deleteTask(taskId)}
        >
          <p>
            <strong>{title}</strong>
            {runs} will be deleted. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

interface DialogProps {
  open: boolean;
  onClose: () => void;
  taskId: string;
  title: string;
  runs: string;
}

/**
 * Deleting a task with a worktree: shows the uncommitted files and unmerged commits first, asks
 * what to do with the worktree and the branch, and needs an explicit tick before anything that
 * would be lost is thrown away. The server checks the same again (it refuses without the tick).
 */
function DeleteWithWorkspaceDialog({ open, onClose, taskId, title, runs }: DialogProps) {
  const { report, loadError } = useWorkspaceLossReport(open, taskId);
  const [removeWorktree, setRemoveWorktree] = useState(true);
  const [deleteBranch, setDeleteBranch] = useState(false);
  const [confirmLoss, setConfirmLoss] = useState(false);
  const { pending, failure, run, clear } = useActionRunner();

  useEffect(() => {
    if (open) setConfirmLoss(false);
  }, [open]);

  const close = () => {
    clear();
    onClose();
  };
  const loss = report?.loss;
  const lostFiles = removeWorktree ? (loss?.uncommittedFiles ?? []) : [];
  const lostCommits = deleteBranch ? (loss?.unmergedCommits ?? []) : [];
  const wouldLose = lostFiles.length > 0 || lostCommits.length > 0;
  // When the workspace cannot be inspected (repository moved), the task can still go, keeping both.
  const keepAll = loadError !== null;
  const canDelete = keepAll || (report !== null && (!wouldLose || confirmLoss));
  const ws = report?.workspace;

  return (
    <Dialog open={open} onClose={close} title="Delete this task and its workspace?" size="medium">
      <div className="form" data-testid="delete-workspace-dialog">
        <p className="muted">
          <strong>{title}</strong>
          {runs} will be deleted. This cannot be undone.
        </p>
        {loadError ? (
          <>
            <p className="form-alert" role="alert">
              {loadError}
            </p>
            <p className="muted">Deleting the task now keeps its worktree and branch on disk.</p>
          </>
        ) : null}
        {!report && !loadError ? <p className="muted">Checking the worktree for unsaved work…</p> : null}
        {ws && loss ? (
          <>
            <WorkspaceLossDetails workspace={ws} loss={loss} />
            <fieldset className="field">
              <legend className="field-label">What to remove</legend>
              <label className={styles.choice}>
                <input
                  type="checkbox"
                  checked={removeWorktree}
                  onChange={(event) => {
                    setRemoveWorktree(event.target.checked);
                    if (!event.target.checked) setDeleteBranch(false);
                    setConfirmLoss(false);
                  }}
                />
                <span>Remove the worktree directory</span>
              </label>
              <label className={styles.choice}>
                <input
                  type="checkbox"
                  checked={deleteBranch}
                  disabled={!removeWorktree}
                  onChange={(event) => {
                    setDeleteBranch(event.target.checked);
                    setConfirmLoss(false);
                  }}
                />
                <span>
                  Delete the branch <span className="mono">{ws.branch}</span>
                  {!removeWorktree ? " (only with the worktree: it is checked out there)" : ""}
                </span>
              </label>
              {!removeWorktree && !deleteBranch ? <p className="muted">The worktree and the branch stay on disk; only the task goes.</p> : null}
            </fieldset>
            {wouldLose ? (
              <ConfirmLossCheckbox files={lostFiles.length} commits={lostCommits.length} checked={confirmLoss} onChange={setConfirmLoss} />
            ) : null}
          </>
        ) : null}
        <DangerActions
          failure={failure}
          onCancel={close}
          label="Delete task"
          pendingLabel="Deleting…"
          pending={pending}
          disabled={!canDelete}
          onConfirm={() =>
            run(() =>
              deleteTask(
                taskId,
                keepAll ? { removeWorktree: false, deleteBranch: false, confirmLoss: false } : { removeWorktree, deleteBranch, confirmLoss: wouldLose && confirmLoss },
              ),
            )
          }
        />
      </div>
    </Dialog>
  );
}
