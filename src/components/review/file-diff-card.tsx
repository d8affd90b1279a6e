"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { getFileDiff } from "@/actions/review-actions";
import { callAction } from "@/lib/client/action-call";
import type { ChangedFile, FileDiff, ReviewComment } from "@/workspace/types";
import { DiffErrorBoundary } from "./diff-error-boundary";
import { DiffViewer, type DiffViewMode } from "./diff-viewer";
import { ChangeCounts, FileMarkers, KIND_LETTER } from "./file-markers";
import styles from "./review.module.css";

/** Files with more changed lines than this start collapsed (their diff is fetched when opened). */
export const COLLAPSE_OVER_LINES = 400;

export interface FileDiffCardProps {
  taskId: string;
  file: ChangedFile;
  /** Changes whenever the file's entry in the summary changes: an open diff is fetched again. */
  revision: string;
  mode: DiffViewMode;
  theme: "light" | "dark";
  startOpen: boolean;
  comments: readonly ReviewComment[];
  onAddComment: (comment: ReviewComment) => void;
}

export function fileAnchor(path: string): string {
  return `file-${encodeURIComponent(path).replace(/%/g, "_")}`;
}

/** One changed file: its header (markers, counts, open/close) and, once opened, its diff. */
export function FileDiffCard({ taskId, file, revision, mode, theme, startOpen, comments, onAddComment }: FileDiffCardProps) {
  const [open, setOpen] = useState(startOpen);
  const [diff, setDiff] = useState<FileDiff | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loadedRevision = useRef<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    const result = await callAction(() => getFileDiff({ taskId, path: file.path }));
    setLoading(false);
    if (!result.ok) setError(result.message);
    else setDiff(result.data);
  }, [taskId, file.path]);

  useEffect(() => {
    if (!open || file.binary) return;
    if (loadedRevision.current === revision) return;
    loadedRevision.current = revision;
    void load();
  }, [open, revision, file.binary, load]);

  const changed = (file.added ?? 0) + (file.removed ?? 0);
  const big = changed > COLLAPSE_OVER_LINES;

  return (
    <section className={styles.fileCard} id={fileAnchor(file.path)} aria-label={`Diff of ${file.path}`} data-testid="file-diff" data-path={file.path}>
      <header className={styles.fileHeader}>
        <span className={styles.kind} title={file.kind}>
          {KIND_LETTER[file.kind]}
        </span>
        <span className={`mono ${styles.path}`} title={file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}>
          {file.oldPath ? `${file.oldPath} → ` : ""}
          {file.path}
        </span>
        <FileMarkers file={file} />
        <span className={styles.spacer} />
        <ChangeCounts file={file} />
        {!file.binary ? (
          <button type="button" className="button button-small" aria-expanded={open} onClick={() => setOpen((value) => !value)}>
            {open ? "Collapse" : big ? `Open diff (${changed.toLocaleString("en-US")} lines)` : "Open diff"}
          </button>
        ) : null}
      </header>
      {file.binary ? (
        <p className={styles.diffNote} data-testid="diff-binary">
          Binary file: {file.path} — its contents are not shown.
        </p>
      ) : open ? (
        error ? (
          <p className={styles.error} role="alert" style={{ padding: "8px 12px" }}>
            {error}{" "}
            <button type="button" className="button button-small" onClick={() => void load()}>
              Retry
            </button>
          </p>
        ) : diff ? (
          <DiffErrorBoundary key={mode} className={styles.diffNote}>
            <DiffViewer diff={diff} mode={mode} theme={theme} comments={comments} onAddComment={onAddComment} />
          </DiffErrorBoundary>
        ) : (
          <p className={styles.diffNote}>{loading ? "Loading the diff…" : ""}</p>
        )
      ) : null}
    </section>
  );
}
