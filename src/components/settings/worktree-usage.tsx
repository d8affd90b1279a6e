"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { cleanupWorkspaces } from "@/actions/workspace-actions";
import { formatBytes } from "@/lib/format/quantities";
import { useActionRunner } from "../ui/use-action-runner";
import { RemoveKeptWorktreeDialog } from "./remove-kept-worktree-dialog";
import styles from "./settings.module.css";

export interface WorktreeUsageView {
  totalBytes: number;
  workspaces: Array<{ taskId: string; title: string; status: string; path: string; bytes: number; merged: boolean; running: boolean }>;
  kept: Array<{ path: string; bytes: number }>;
}

/** Disk used by worktrees, a clean-up of those whose tasks are done or merged, and Remove for kept ones. */
export function WorktreeUsage({ usage }: { usage: WorktreeUsageView }) {
  const router = useRouter();
  const { pending, failure, run } = useActionRunner();
  const [report, setReport] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  // A worktree its terminal runs in is never cleaned up (the server refuses): it is not counted.
  const candidates = usage.workspaces.filter((w) => (w.status === "done" || w.merged) && !w.running);
  const runningDone = usage.workspaces.filter((w) => (w.status === "done" || w.merged) && w.running).length;

  return (
    <div className={styles.repoList} data-testid="worktree-usage">
      <p>
        <strong>{formatBytes(usage.totalBytes)}</strong> in {usage.workspaces.length + usage.kept.length} worktree
        {usage.workspaces.length + usage.kept.length === 1 ? "" : "s"}
        {usage.kept.length > 0 ? `, ${usage.kept.length} of them kept from deleted tasks` : ""}.
      </p>
      {usage.workspaces.length > 0 ? (
        <table className={styles.usageTable}>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Merged</th>
              <th scope="col">Size</th>
              <th scope="col">Worktree</th>
            </tr>
          </thead>
          <tbody>
            {usage.workspaces.map((w) => (
              <tr key={w.taskId}>
                <td>
                  <a href={`/tasks/${w.taskId}`}>{w.title}</a>
                </td>
                <td>
                  {w.status}
                  {w.running ? " · terminal running" : ""}
                </td>
                <td>{w.merged ? "yes" : "no"}</td>
                <td>{formatBytes(w.bytes)}</td>
                <td className="mono">{w.path}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {usage.kept.length > 0 ? (
        <table className={styles.usageTable} aria-label="Kept from deleted tasks">
          <caption>
            Kept from deleted tasks: no task uses them any more. Remove shows what git says each one holds, then runs{" "}
            <code>git worktree remove</code> in its repository; its branch stays there with its commits.
          </caption>
          <thead>
            <tr>
              <th scope="col">Size</th>
              <th scope="col">Worktree</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.kept.map((w) => (
              <tr key={w.path}>
                <td>{formatBytes(w.bytes)}</td>
                <td className="mono">{w.path}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small button-danger-ghost"
                    onClick={() => {
                      setReport(null);
                      setRemoving(w.path);
                    }}
                  >
                    Remove<span className="visually-hidden"> {w.path}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <RemoveKeptWorktreeDialog
        path={removing}
        onClose={() => setRemoving(null)}
        onRemoved={(removed) => {
          setRemoving(null);
          setReport(
            `Removed the worktree ${removed.path}.` + (removed.branch !== null ? ` Its branch ${removed.branch} stays in the repository with its commits.` : ""),
          );
          router.refresh();
        }}
      />
      {failure ? (
        <p className="form-alert" role="alert">
          {failure.message}
        </p>
      ) : null}
      {report ? <p role="status">{report}</p> : null}
      <div>
        <button
          type="button"
          className="button"
          disabled={pending || candidates.length === 0}
          onClick={() =>
            run(
              () => cleanupWorkspaces(candidates.map((w) => w.taskId)),
              (result) => {
                const skipped = result.data.skipped.map((s) => `${usage.workspaces.find((w) => w.taskId === s.taskId)?.title ?? s.taskId}: ${s.reason}`);
                setReport(
                  `Removed ${result.data.removed.length} worktree${result.data.removed.length === 1 ? "" : "s"}.` +
                    (skipped.length > 0 ? ` Kept ${skipped.length}: ${skipped.join("; ")}` : ""),
                );
                router.refresh();
              },
            )
          }
        >
          {pending ? "Cleaning up…" : `Clean up ${candidates.length} done or merged`}
        </button>
        <p className="muted">
          Worktrees with uncommitted files are kept; a branch is deleted only when it is merged.
          {runningDone > 0 ? ` ${runningDone} done or merged ${runningDone === 1 ? "task's terminal is" : "tasks' terminals are"} still running there: stop ${runningDone === 1 ? "it" : "them"} to clean up.` : ""}
        </p>
      </div>
    </div>
  );
}
