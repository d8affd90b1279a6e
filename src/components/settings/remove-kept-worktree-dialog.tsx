"use client";

import { useEffect, useState } from "react";
import { keptWorktreeReport, removeKeptWorktree } from "@/actions/workspace-actions";
import { ConfirmLossCheckbox, LostCommitList, UncommittedFileList } from "../task/workspace-loss";
import { DangerActions } from "../ui/danger-actions";
import { Dialog } from "../ui/dialog";
import { useLoadedReport } from "../ui/use-loaded-report";
import { useActionRunner } from "../ui/use-action-runner";

/**
 * Removes a worktree kept when its task was deleted, after showing what git says it holds. Its
 * branch is never removed with it. Open while `path` is set; the server re-checks everything.
 */
export function RemoveKeptWorktreeDialog({
  path,
  onClose,
  onRemoved,
}: {
  path: string | null;
  onClose: () => void;
  onRemoved: (removed: { path: string; branch: string | null }) => void;
}) {
  const { report, loadError } = useLoadedReport(path, keptWorktreeReport);
  const [confirmLoss, setConfirmLoss] = useState(false);
  const { pending, failure, run, clear } = useActionRunner();

  useEffect(() => {
    if (path !== null) setConfirmLoss(false);
  }, [path]);

  const close = () => {
    clear();
    onClose();
  };
  const files = report?.uncommittedFiles ?? [];
  const commits = report?.detachedCommits ?? [];
  const wouldLose = files.length > 0 || commits.length > 0;
  const canRemove = report !== null && (!wouldLose || confirmLoss);

  return (
    <Dialog open={path !== null} onClose={close} title="Remove this kept worktree?" size="medium">
      <div className="form" data-testid="remove-kept-worktree-dialog">
        {loadError ? (
          <p className="form-alert" role="alert">
            {loadError}
          </p>
        ) : null}
        {!report && !loadError ? <p className="muted">Asking git what the worktree holds…</p> : null}
        {report ? (
          <>
            <p className="muted">
              Worktree <span className="mono">{report.path}</span> of the repository <span className="mono">{report.repoRoot}</span>.
            </p>
            <p className="muted" data-testid="kept-branch">
              {report.branch !== null ? (
                <>
                  Its branch <span className="mono">{report.branch}</span> stays in the repository with its commits.
                </>
              ) : (
                "It has no branch checked out (a detached HEAD)."
              )}
            </p>
            <UncommittedFileList files={files} />
            {commits.length > 0 ? <LostCommitList commits={commits} heading="on no branch, lost with the worktree" /> : null}
            {wouldLose ? <ConfirmLossCheckbox files={files.length} commits={commits.length} checked={confirmLoss} onChange={setConfirmLoss} /> : null}
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
            report &&
            run(
              () => removeKeptWorktree(report.path, { confirmLoss: wouldLose && confirmLoss }),
              (result) => {
                clear();
                onRemoved(result.data);
              },
            )
          }
        />
      </div>
    </Dialog>
  );
}
