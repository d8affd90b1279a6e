"use client";

import { useEffect, useState } from "react";
import { workspaceLossReport } from "@/actions/workspace-actions";
import type { TaskWorkspace, WorkspaceLossReport } from "@/workspace/types";
import styles from "./task-page.module.css";

export type LossReport = { workspace: TaskWorkspace | null; loss: WorkspaceLossReport | null };

/** What removing the task's worktree and branch would lose, asked for each time `open` turns true. */
export function useWorkspaceLossReport(open: boolean, taskId: string): { report: LossReport | null; loadError: string | null } {
  const [report, setReport] = useState<LossReport | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setReport(null);
    setLoadError(null);
    workspaceLossReport(taskId)
      .then((result) => {
        if (cancelled) return;
        if (result.ok) setReport(result.data);
        else setLoadError(result.message);
      })
      .catch(() => !cancelled && setLoadError("Could not reach the server. Is AI Manager still running?"));
    return () => {
      cancelled = true;
    };
  }, [open, taskId]);
  return { report, loadError };
}

/** The worktree, its uncommitted files and the branch's commits that are not in the base. */
export function WorkspaceLossDetails({ workspace, loss }: { workspace: TaskWorkspace; loss: WorkspaceLossReport }) {
  return (
    <>
      <p className="muted">
        Worktree <span className="mono">{workspace.worktreePath}</span> on branch <span className="mono">{workspace.branch}</span> (base{" "}
        <span className="mono">{workspace.baseBranch}</span>).
      </p>
      {loss.uncommittedFiles.length > 0 ? (
        <div>
          <strong>
            {loss.uncommittedFiles.length} uncommitted file{loss.uncommittedFiles.length === 1 ? "" : "s"}
          </strong>
          <ul className={`mono ${styles.lossList}`} data-testid="loss-files">
            {loss.uncommittedFiles.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">No uncommitted changes in the worktree.</p>
      )}
      {loss.unmergedCommits.length > 0 ? (
        <div>
          <strong>
            {loss.unmergedCommits.length} commit{loss.unmergedCommits.length === 1 ? "" : "s"} not in {workspace.baseBranch}
          </strong>
          <ul className={`mono ${styles.lossList}`} data-testid="loss-commits">
            {loss.unmergedCommits.map((commit) => (
              <li key={commit.sha}>
                {commit.sha.slice(0, 8)} {commit.subject}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">Every commit of the branch is in {workspace.baseBranch}.</p>
      )}
    </>
  );
}

/** The tick that must be set before anything listed is thrown away. */
export function ConfirmLossCheckbox({
  files,
  commits,
  checked,
  onChange,
}: {
  files: number;
  commits: number;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className={styles.choice}>
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} data-testid="confirm-loss" />
      <span>
        Throw away
        {files > 0 ? ` ${files} uncommitted file${files === 1 ? "" : "s"}` : ""}
        {files > 0 && commits > 0 ? " and" : ""}
        {commits > 0 ? ` ${commits} unmerged commit${commits === 1 ? "" : "s"}` : ""}
      </span>
    </label>
  );
}
