"use client";

import { DiffModeEnum, DiffViewWithMultiSelect, SplitSide } from "@git-diff-view/react";
import "@git-diff-view/react/styles/diff-view-pure.css";
import { memo, useMemo, useState, type ReactNode } from "react";
import { paginateDiff } from "@/lib/review/diff-pages";
import type { FileDiff, ReviewComment } from "@/workspace/types";
import { languageOf } from "./diff-language";
import styles from "./review.module.css";

export type DiffViewMode = "unified" | "split";

/**
 * Diff lines rendered at once. Each further page is added on demand ("Show next …"), so a
 * 5 000-line change paints its first screenful quickly instead of building every row (and
 * highlighting every line) before the first paint. Measured by `npm run bench -- --only=review`.
 */
export const DIFF_PAGE_LINES = 300;

export interface DiffViewerProps {
  diff: FileDiff;
  mode: DiffViewMode;
  theme: "light" | "dark";
  /** Comments already pending on this file: shown under their lines. */
  comments?: readonly ReviewComment[];
  /** Called with a new comment written in the diff; absent: the diff is read-only. */
  onAddComment?: (comment: ReviewComment) => void;
  /** Lines per rendered page; the app uses DIFF_PAGE_LINES (the bench also renders unpaged). */
  pageLines?: number;
}

type LineNotes = Record<string, { data: string[] }>;

function notesBySide(comments: readonly ReviewComment[] | undefined): { oldFile: LineNotes; newFile: LineNotes } {
  const oldFile: LineNotes = {};
  const newFile: LineNotes = {};
  for (const comment of comments ?? []) {
    const target = comment.side === "old" ? oldFile : newFile;
    const key = String(Math.max(comment.startLine, comment.endLine));
    const range = comment.startLine === comment.endLine ? `line ${comment.startLine}` : `lines ${comment.startLine}–${comment.endLine}`;
    (target[key] ??= { data: [] }).data.push(`${range}: ${comment.text}`);
  }
  return { oldFile, newFile };
}

/**
 * One file's diff, rendered by @git-diff-view/react (unified or split, syntax highlighted), paged
 * by DIFF_PAGE_LINES. Lines are commented through the library's widget: drag over line numbers
 * to select a range (or hover one line), press "+", write, Add. The bench page renders this same
 * component.
 */
export const DiffViewer = memo(function DiffViewer({ diff, mode, theme, comments, onAddComment, pageLines = DIFF_PAGE_LINES }: DiffViewerProps) {
  const paged = useMemo(() => paginateDiff(diff.diff, pageLines), [diff.diff, pageLines]);
  const [shownPages, setShownPages] = useState(1);
  const notes = useMemo(() => notesBySide(comments), [comments]);
  const lang = languageOf(diff.path);

  if (diff.binary) {
    return (
      <p className={styles.diffNote} data-testid="diff-binary">
        Binary file: {diff.path} — its contents are not shown.
      </p>
    );
  }
  if (paged.pages.length === 0) {
    return <p className={styles.diffNote}>No line changes (a mode change, or an empty file).</p>;
  }
  const visible = paged.pages.slice(0, shownPages);
  const remainingLines = paged.pages.slice(shownPages).reduce((sum, page) => sum + page.lines, 0);
  const nextLines = paged.pages[shownPages]?.lines ?? 0;

  return (
    <div className={styles.diffBody} data-testid="diff-view" data-mode={mode}>
      {visible.map((page, index) => (
        <DiffPageView
          key={`${index}-${mode}`}
          text={page.text}
          path={diff.path}
          lang={lang}
          mode={mode}
          theme={theme}
          notes={notes}
          onAddComment={onAddComment}
        />
      ))}
      {remainingLines > 0 ? (
        <div className={styles.diffMore}>
          <span className="faint">{remainingLines.toLocaleString("en-US")} more diff lines not shown yet.</span>
          <button type="button" className="button button-small" onClick={() => setShownPages((n) => n + 1)}>
            Show next {nextLines.toLocaleString("en-US")} lines
          </button>
          <button type="button" className="button button-small button-ghost" onClick={() => setShownPages(paged.pages.length)}>
            Show all
          </button>
        </div>
      ) : null}
      {diff.truncated ? (
        <p className={styles.diffNote} role="note" data-testid="diff-truncated">
          This diff is cut: {diff.totalLines.toLocaleString("en-US")} lines in all, only the first {paged.totalLines.toLocaleString("en-US")} are
          shown. Open the file in the worktree to see the rest.
        </p>
      ) : null}
    </div>
  );
});

interface DiffPageViewProps {
  text: string;
  path: string;
  lang: string;
  mode: DiffViewMode;
  theme: "light" | "dark";
  notes: { oldFile: LineNotes; newFile: LineNotes };
  onAddComment?: (comment: ReviewComment) => void;
}

const DiffPageView = memo(function DiffPageView({ text, path, lang, mode, theme, notes, onAddComment }: DiffPageViewProps) {
  const data = useMemo(
    () => ({
      oldFile: { fileName: path, fileLang: lang },
      newFile: { fileName: path, fileLang: lang },
      hunks: [text],
    }),
    [text, path, lang],
  );
  return (
    <DiffViewWithMultiSelect<string[]>
      data={data}
      diffViewMode={mode === "split" ? DiffModeEnum.Split : DiffModeEnum.Unified}
      diffViewTheme={theme}
      diffViewHighlight
      diffViewWrap={false}
      diffViewFontSize={12}
      diffViewAddWidget={Boolean(onAddComment)}
      enableMultiSelect={Boolean(onAddComment)}
      extendData={notes}
      renderExtendLine={({ data: lines }) =>
        // In split view the library asks both sides; the side without notes gets no data.
        lines && lines.length > 0 ? (
          <div className={styles.lineNotes}>
            {lines.map((line, i) => (
              <p key={i} className={styles.lineNote}>
                {line}
              </p>
            ))}
          </div>
        ) : null
      }
      renderWidgetLine={
        onAddComment
          ? ({ lineNumber, fromLineNumber, side, onClose }) => (
              <CommentForm
                label={fromLineNumber === lineNumber ? `${path}:${lineNumber}` : `${path}:${fromLineNumber}-${lineNumber}`}
                onCancel={onClose}
                onSubmit={(value) => {
                  onAddComment({
                    path,
                    startLine: Math.min(fromLineNumber, lineNumber),
                    endLine: Math.max(fromLineNumber, lineNumber),
                    side: side === SplitSide.old ? "old" : "new",
                    text: value,
                  });
                  onClose();
                }}
              />
            )
          : undefined
      }
    />
  );
});

function CommentForm({ label, onSubmit, onCancel }: { label: string; onSubmit: (text: string) => void; onCancel: () => void }): ReactNode {
  const [text, setText] = useState("");
  const submit = () => {
    if (text.trim().length > 0) onSubmit(text.trim());
  };
  return (
    <form
      className={styles.commentForm}
      aria-label={`Comment on ${label}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <span className={`mono ${styles.commentLabel}`}>{label}</span>
      <textarea
        className="textarea"
        aria-label="Comment"
        rows={3}
        autoFocus
        value={text}
        placeholder="What should the agent change here?"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          } else if (event.key === "Escape") {
            onCancel();
          }
        }}
      />
      <div className={styles.commentActions}>
        <button type="button" className="button button-small button-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-small button-primary" disabled={text.trim().length === 0}>
          Add comment
        </button>
      </div>
    </form>
  );
}
