"use client";

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { getTaskChanges } from "@/actions/review-actions";
import { callAction } from "@/lib/client/action-call";
import { useAppEvents } from "@/lib/client/app-events-client";
import { currentTheme, onThemeChange } from "@/lib/client/theme-client";
import { useReviewComments, usePendingComments } from "@/stores/review-comments-store";
import type { ChangesSummary, ReviewComment } from "@/workspace/types";
import { Ago } from "../time/live-time";
import type { DiffViewMode } from "./diff-viewer";
import { COLLAPSE_OVER_LINES, fileAnchor, FileDiffCard } from "./file-diff-card";
import { ChangeCounts, FileMarkers, KIND_LETTER } from "./file-markers";
import { LandingPanel } from "./landing-panel";
import { PendingComments } from "./pending-comments";
import styles from "./review.module.css";

/** While the tab is shown, the changes are re-read this often (the agent edits without telling). */
export const CHANGES_POLL_MS = 5_000;
/** App events for the task (a run started or ended, the agent reported) come in bursts: one refresh per burst. */
const EVENT_REFRESH_DELAY_MS = 800;
/** Diffs opened by themselves on the first load, at most (small files only). */
const AUTO_OPEN_FILES = 20;
const MODE_KEY = "ai-manager.diff-mode";
const NO_COMMENTS: ReviewComment[] = [];

export interface ChangesPanelProps {
  taskId: string;
  taskTitle: string;
  taskDone: boolean;
  /** The tab is shown: only then does the panel poll. */
  active: boolean;
}

function useDiffTheme(): "light" | "dark" {
  return useSyncExternalStore(onThemeChange, currentTheme, () => "dark");
}

/** The Changes tab: what the task's branch changed against its base, file by file, and landing it. */
export function ChangesPanel({ taskId, taskTitle, taskDone, active }: ChangesPanelProps) {
  const [summary, setSummary] = useState<ChangesSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);
  const [manualRound, setManualRound] = useState(0);
  const [mode, setMode] = useState<DiffViewMode>("unified");
  const theme = useDiffTheme();
  const comments = usePendingComments(taskId);
  const addComment = useReviewComments((state) => state.add);
  const inFlight = useRef(false);
  const again = useRef(false);
  const eventTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const stored = window.localStorage.getItem(MODE_KEY);
    if (stored === "split" || stored === "unified") setMode(stored);
  }, []);
  const chooseMode = (value: DiffViewMode) => {
    setMode(value);
    try {
      window.localStorage.setItem(MODE_KEY, value);
    } catch {
      // storage may be disabled: the choice lasts for this page
    }
  };

  /** One request at a time; a refresh asked for meanwhile runs once after it (no storms). */
  const refresh = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    setLoading(true);
    try {
      do {
        again.current = false;
        const result = await callAction(() => getTaskChanges(taskId));
        if (!result.ok) setError(result.message);
        else {
          setError(null);
          setSummary(result.data);
          setRefreshedAt(Date.now());
        }
      } while (again.current);
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [taskId]);

  // First load and every time the tab is shown again.
  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh]);

  // Follow the agent: poll while the tab is shown and the page visible.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, CHANGES_POLL_MS);
    return () => clearInterval(timer);
  }, [active, refresh]);

  useEffect(() => () => clearTimeout(eventTimer.current), []);
  useAppEvents((event) => {
    if (!active) return;
    const concerns =
      (event.type === "task.changed" && event.task.id === taskId) ||
      (event.type === "execution.changed" && event.execution.taskId === taskId) ||
      (event.type === "session.changed" && event.taskId === taskId) ||
      event.type === "resync";
    if (!concerns || eventTimer.current) return;
    eventTimer.current = setTimeout(() => {
      eventTimer.current = undefined;
      void refresh();
    }, EVENT_REFRESH_DELAY_MS);
  });

  const onAddComment = useCallback((comment: ReviewComment) => addComment(taskId, comment), [addComment, taskId]);
  const commentsByPath = useMemo(() => {
    const map = new Map<string, ReviewComment[]>();
    for (const comment of comments) map.set(comment.path, [...(map.get(comment.path) ?? []), comment]);
    return map;
  }, [comments]);

  // Read by a file card only when it mounts: a file that shows up later is decided then, and a
  // refresh never opens or closes what the person chose.
  const autoOpen = useMemo(() => {
    const open = new Set<string>();
    for (const file of summary?.files ?? []) {
      if (open.size >= AUTO_OPEN_FILES) break;
      if (!file.binary && (file.added ?? 0) + (file.removed ?? 0) <= COLLAPSE_OVER_LINES) open.add(file.path);
    }
    return open;
  }, [summary]);

  return (
    <div className={styles.root} data-testid="changes-panel">
      <div className={styles.toolbar}>
        {summary ? (
          <span className={styles.summary} data-testid="changes-summary">
            <span className="mono">{summary.branch}</span> → <span className="mono">{summary.baseBranch}</span> · {summary.totals.files}{" "}
            {summary.totals.files === 1 ? "file" : "files"} <span className={styles.added}>+{summary.totals.added}</span>{" "}
            <span className={styles.removed}>−{summary.totals.removed}</span> · {summary.commitsAhead} ahead, {summary.commitsBehind} behind
          </span>
        ) : (
          <span className={styles.summary}>{loading ? "Reading the changes…" : ""}</span>
        )}
        <span className={styles.spacer} />
        <span className={styles.segmented} role="group" aria-label="Diff layout">
          <button type="button" aria-pressed={mode === "unified"} onClick={() => chooseMode("unified")}>
            Unified
          </button>
          <button type="button" aria-pressed={mode === "split"} onClick={() => chooseMode("split")}>
            Split
          </button>
        </span>
        <span className={styles.refreshed} data-testid="changes-refreshed">
          {refreshedAt ? (
            <>
              Refreshed <Ago at={refreshedAt} serverNow={refreshedAt} />
            </>
          ) : null}
        </span>
        <button
          type="button"
          className="button button-small"
          disabled={loading}
          onClick={() => {
            setManualRound((n) => n + 1);
            void refresh();
          }}
        >
          {loading ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}

      {summary ? (
        <>
          {summary.files.length === 0 ? (
            <p className={styles.notice}>No changes against {summary.baseBranch}.</p>
          ) : (
            <ul className={styles.fileList} aria-label="Changed files" data-testid="changed-files">
              {summary.files.map((file) => (
                <li key={file.path} className={styles.fileRow} data-path={file.path}>
                  <span className={styles.kind} title={file.kind}>
                    {KIND_LETTER[file.kind]}
                  </span>
                  <a className="mono" href={`#${fileAnchor(file.path)}`} title={file.path}>
                    {file.path}
                  </a>
                  <FileMarkers file={file} />
                  <span className={styles.spacer} />
                  <ChangeCounts file={file} />
                </li>
              ))}
            </ul>
          )}
          <div className={styles.sideBySide}>
            <PendingComments taskId={taskId} />
            <LandingPanel
              key={summary.baseBranch}
              taskId={taskId}
              taskTitle={taskTitle}
              taskDone={taskDone}
              summary={summary}
              onChanged={() => {
                setManualRound((n) => n + 1);
                void refresh();
              }}
            />
          </div>
          {summary.files.map((file) => (
            <FileDiffCard
              key={file.path}
              taskId={taskId}
              file={file}
              revision={`${summary.mergeBase}|${file.kind}|${file.added}|${file.removed}|${file.uncommitted}|${file.untracked}|${manualRound}`}
              mode={mode}
              theme={theme}
              startOpen={autoOpen.has(file.path)}
              comments={commentsByPath.get(file.path) ?? NO_COMMENTS}
              onAddComment={onAddComment}
            />
          ))}
        </>
      ) : null}
    </div>
  );
}
