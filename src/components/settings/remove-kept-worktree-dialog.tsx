"use client";

import { useEffect, useState } from "react";
import { keptWorktreeReport, removeKeptWorktree } from "@/actions/workspace-actions";
import type { KeptWorktreeReport } from "@/workspace/types";
import { ConfirmLossCheckbox } from "../task/workspace-loss";
import taskStyles from "../task/task-page.module.css";
import { Dialog } from "../ui/dialog";
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
  const [report, setReport] = useState<KeptWorktreeReport | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirmLoss, setConfirmLoss] = useState(false);
  const { pending, failure, run, clear } = useActionRunner();

  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setReport(null);
    setLoadError(null);
    setConfirmLoss(false);
    keptWorktreeReport(path)
      .then((result) => {
        if (cancelled) return;
        if (result.ok) setReport(result.data);
        else setLoadError(result.message);
      })
      .catch(() => !cancelled && setLoadError("Could not reach the server. Is AI Manager still running?"));
    return () => {
      cancelled = true;
    };
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
            {files.length > 0 ? (
              <div>
                <strong>
                  {files.length} uncommitted file{files.length === 1 ? "" : "s"}
                </strong>
                <ul className={`mono ${taskStyles.lossList}`} data-testid="loss-files">
                  {files.map((file) => (
                    <li key={file}>{file}</li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="muted">No uncommitted changes in the worktree.</p>
            )}
            {commits.length > 0 ? (
              <div>
                <strong>
                  {commits.length} commit{commits.length === 1 ? "" : "s"} on no branch, lost with the worktree
                </strong>
                <ul className={`mono ${taskStyles.lossList}`} data-testid="loss-commits">
                  {commits.map((commit) => (
                    <li key={commit.sha}>
                      {commit.sha.slice(0, 8)} {commit.subject}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {wouldLose ? <ConfirmLossCheckbox files={files.length} commits={commits.length} checked={confirmLoss} onChange={setConfirmLoss} /> : null}
          </>
        ) : null}
        {failure ? (
          <p className="form-alert" role="alert">
            {failure.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button" onClick={close} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={pending || !canRemove}
            onClick={() =>
              report &&
              run(
                () => removeKeptWorktree(report.path, { confirmLoss: wouldLose && confirmLoss }),
                (result) => {
                  clear();
                  onRemoved(result.data);
                },
              )
            }
          >
            {pending ? "Removing…" : "Remove worktree"}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
