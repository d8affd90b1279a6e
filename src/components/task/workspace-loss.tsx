"use client";

import { workspaceLossReport } from "@/actions/workspace-actions";
import type { TaskWorkspace, WorkspaceLossReport } from "@/workspace/types";
import { useLoadedReport } from "../ui/use-loaded-report";
import styles from "./task-page.module.css";

export type LossReport = { workspace: TaskWorkspace | null; loss: WorkspaceLossReport | null };

/** What removing the task's worktree and branch would lose, asked for each time `open` turns true. */
export function useWorkspaceLossReport(open: boolean, taskId: string): { report: LossReport | null; loadError: string | null } {
  return useLoadedReport(open ? taskId : null, workspaceLossReport);
}

/** The worktree, its uncommitted files and the branch's commits that are not in the base. */
export function WorkspaceLossDetails({ workspace, loss }: { workspace: TaskWorkspace; loss: WorkspaceLossReport }) {
  return (
    <>
      <p className="muted">
        Worktree <span className="mono">{workspace.worktreePath}</span> on branch <span className="mono">{workspace.branch}</span> (base{" "}
        <span className="mono">{workspace.baseBranch}</span>).
      </p>
      <UncommittedFileList files={loss.uncommittedFiles} />
      {loss.unmergedCommits.length > 0 ? (
        <LostCommitList commits={loss.unmergedCommits} heading={`not in ${workspace.baseBranch}`} />
      ) : (
        <p className="muted">Every commit of the branch is in {workspace.baseBranch}.</p>
      )}
    </>
  );
}

/** The worktree's uncommitted files, or that there are none. */
export function UncommittedFileList({ files }: { files: readonly string[] }) {
  if (files.length === 0) return <p className="muted">No uncommitted changes in the worktree.</p>;
  return (
    <div>
      <strong>
        {files.length} uncommitted file{files.length === 1 ? "" : "s"}
      </strong>
      <ul className={`mono ${styles.lossList}`} data-testid="loss-files">
        {files.map((file) => (
          <li key={file}>{file}</li>
        ))}
      </ul>
    </div>
  );
}

/** Commits that would be lost, headed "N commits <heading>". */
export function LostCommitList({ commits, heading }: { commits: ReadonlyArray<{ sha: string; subject: string }>; heading: string }) {
  return (
    <div>
      <strong>
        {commits.length} commit{commits.length === 1 ? "" : "s"} {heading}
      </strong>
      <ul className={`mono ${styles.lossList}`} data-testid="loss-commits">
        {commits.map((commit) => (
          <li key={commit.sha}>
            {commit.sha.slice(0, 8)} {commit.subject}
          </li>
        ))}
      </ul>
    </div>
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
