"use client";

import { useState, useTransition } from "react";
import { setTaskStatus } from "@/actions/task-actions";
import { commitTaskChanges, mergeTaskBranch, openTaskPullRequest, pushTaskBranch } from "@/actions/review-actions";
import { callAction } from "@/lib/client/action-call";
import type { ActionResult } from "@/lib/errors";
import type { MergeOutcome, PullRequestOutcome } from "@/server/workspaces/review-access";
import { MERGE_STRATEGIES, type ChangesSummary, type MergeStrategy } from "@/workspace/types";
import styles from "./review.module.css";

const STRATEGY_LABEL: Record<MergeStrategy, string> = {
  "fast-forward": "Fast-forward",
  merge: "Merge commit",
  squash: "Squash",
};

const REFUSAL_TITLE: Record<Extract<MergeOutcome, { ok: false }>["reason"], string> = {
  // Also a checkout on another branch, an operation in progress, or untracked files in the way: the message says which.
  base_dirty: "The base checkout is not ready for a merge",
  conflict: "The merge conflicts",
  not_fast_forward: "A fast-forward is not possible",
  nothing_to_merge: "Nothing to merge",
  uncommitted: "The task has uncommitted changes",
};

export interface LandingPanelProps {
  taskId: string;
  taskTitle: string;
  taskDone: boolean;
  summary: ChangesSummary;
  /** Called after anything that changes the branch (commit, merge): the summary is refreshed. */
  onChanged: () => void;
}

type Busy = "commit" | "merge" | "push" | "pr" | "done" | null;

/** Commit, merge into the base, push, open a pull request; after a merge, mark the task done. */
export function LandingPanel({ taskId, taskTitle, taskDone, summary, onChanged }: LandingPanelProps) {
  const [busy, setBusy] = useState<Busy>(null);
  const [, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState(taskTitle);
  const [committed, setCommitted] = useState<string | null>(null);
  const [strategy, setStrategy] = useState<MergeStrategy>(summary.commitsBehind > 0 ? "merge" : "fast-forward");
  const [merge, setMerge] = useState<MergeOutcome | null>(null);
  const [pushed, setPushed] = useState<string | null>(null);
  const [pr, setPr] = useState<PullRequestOutcome | null>(null);
  const [markedDone, setMarkedDone] = useState(taskDone);
  const [copied, setCopied] = useState(false);

  const hasUncommitted = summary.files.some((file) => file.uncommitted || file.untracked);

  function run<T>(which: Exclude<Busy, null>, action: () => Promise<ActionResult<T>>, onOk: (data: T) => void) {
    setError(null);
    setBusy(which);
    startTransition(async () => {
      const result = await callAction(action);
      setBusy(null);
      if (!result.ok) setError(result.message);
      else onOk((result as { data: T }).data);
    });
  }

  return (
    <section className={styles.box} aria-label="Land the changes">
      <h3>Land</h3>
      {hasUncommitted ? (
        <form
          className={styles.row}
          aria-label="Commit"
          onSubmit={(event) => {
            event.preventDefault();
            run("commit", () => commitTaskChanges({ taskId, message }), (data) => {
              setCommitted(data.sha);
              onChanged();
            });
          }}
        >
          <input className="input" style={{ flex: 1, minWidth: 200 }} aria-label="Commit message" value={message} onChange={(e) => setMessage(e.target.value)} />
          <button type="submit" className="button" disabled={busy !== null || message.trim().length === 0}>
            {busy === "commit" ? "Committing…" : "Commit"}
          </button>
        </form>
      ) : null}
      {committed ? (
        <p className={styles.success} role="status">
          Committed <span className="mono">{committed.slice(0, 10)}</span>.
        </p>
      ) : null}

      <div className={styles.row}>
        <label className={styles.row}>
          <span>Strategy</span>
          <select className="select" value={strategy} onChange={(e) => setStrategy(e.target.value as MergeStrategy)} aria-label="Merge strategy">
            {MERGE_STRATEGIES.map((value) => (
              <option key={value} value={value}>
                {STRATEGY_LABEL[value]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== null}
          onClick={() =>
            run("merge", () => mergeTaskBranch({ taskId, strategy, ...(strategy !== "fast-forward" ? { message } : {}) }), (data) => {
              setMerge(data.outcome);
              onChanged();
            })
          }
        >
          {busy === "merge" ? "Merging…" : `Merge into ${summary.baseBranch}`}
        </button>
      </div>
      {merge && merge.ok ? (
        <div className={styles.success} role="status" data-testid="merge-result">
          Merged into <span className="mono">{summary.baseBranch}</span> ({STRATEGY_LABEL[merge.strategy].toLowerCase()}) at{" "}
          <span className="mono">{merge.sha.slice(0, 10)}</span>.{" "}
          {markedDone ? (
            <span>The task is done.</span>
          ) : (
            <button
              type="button"
              className="button button-small"
              disabled={busy !== null}
              onClick={() => run("done", () => setTaskStatus({ id: taskId, status: "done" }), () => setMarkedDone(true))}
            >
              {busy === "done" ? "Marking…" : "Mark done"}
            </button>
          )}
        </div>
      ) : null}
      {merge && !merge.ok ? (
        <div className={styles.refusal} role="alert" data-testid="merge-refusal" data-reason={merge.reason}>
          <strong>{REFUSAL_TITLE[merge.reason]}.</strong> {merge.message}
          {merge.files.length > 0 ? (
            <ul>
              {merge.files.map((file) => (
                <li key={file} className="mono">
                  {file}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="faint">Nothing was changed in the base repository.</div>
        </div>
      ) : null}

      <div className={styles.row}>
        <button type="button" className="button" disabled={busy !== null} onClick={() => run("push", () => pushTaskBranch(taskId), (data) => setPushed(data.output || "Pushed."))}>
          {busy === "push" ? "Pushing…" : `Push ${summary.branch}`}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() =>
            run("pr", () => openTaskPullRequest({ taskId, title: message.trim() || taskTitle, body: "" }), (data) => {
              setPr(data.outcome);
              setCopied(false);
            })
          }
        >
          {busy === "pr" ? "Opening…" : "Open pull request"}
        </button>
      </div>
      {pushed ? <pre className={styles.output}>{pushed}</pre> : null}
      {pr?.kind === "created" ? (
        <p className={styles.success} role="status">
          Pull request:{" "}
          <a href={pr.url} target="_blank" rel="noreferrer">
            {pr.url}
          </a>
        </p>
      ) : null}
      {pr?.kind === "manual" ? (
        <div className={styles.notice} role="status">
          <p style={{ margin: "0 0 6px" }}>{pr.reason} Run this in the repository:</p>
          <div className={styles.command}>
            <code className="mono">{pr.command}</code>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                void navigator.clipboard?.writeText(pr.command).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
