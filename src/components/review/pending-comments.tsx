"use client";

import { useState, useTransition } from "react";
import { sendReviewComments } from "@/actions/review-actions";
import { callAction } from "@/lib/client/action-call";
import { commentLocation } from "@/lib/review/comment-paste";
import { usePendingComments, useReviewComments } from "@/stores/review-comments-store";
import styles from "./review.module.css";

const DELIVERY_TEXT = {
  pasted: "Sent: pasted into the agent's terminal.",
  pasted_unsubmitted: "Sent: pasted into the terminal, not submitted. It runs a shell, which would run the comments as commands: press Enter there only if that is what you want.",
  resumed: "Sent: the agent was resumed and the comments pasted into it.",
  started: "Sent: a new run started with the comments as its prompt.",
} as const;

/** The comments written on the diff and not sent yet; "Send to agent" pastes them all at once. */
export function PendingComments({ taskId }: { taskId: string }) {
  const comments = usePendingComments(taskId);
  const remove = useReviewComments((state) => state.remove);
  const clear = useReviewComments((state) => state.clear);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  const send = () => {
    setError(null);
    setSent(null);
    startTransition(async () => {
      const result = await callAction(() =>
        sendReviewComments({
          taskId,
          comments: comments.map(({ path, startLine, endLine, side, text }) => ({ path, startLine, endLine, side, text })),
        }),
      );
      if (!result.ok) setError(result.message);
      else {
        clear(taskId);
        setSent(DELIVERY_TEXT[result.data.delivery]);
      }
    });
  };

  return (
    <section className={styles.box} aria-label="Review comments">
      <div className={styles.row}>
        <h3>Review comments</h3>
        <span className="faint">{comments.length === 0 ? "none pending" : `${comments.length} pending`}</span>
        <span className={styles.spacer} />
        <button type="button" className="button button-primary button-small" disabled={pending || comments.length === 0} onClick={send}>
          {pending ? "Sending…" : "Send to agent"}
        </button>
      </div>
      {comments.length === 0 ? (
        <p className={styles.notice}>Select lines in a diff (drag over the line numbers, or hover a line) and press + to comment.</p>
      ) : (
        <ul className={styles.commentList} data-testid="pending-comments">
          {comments.map((comment) => (
            <li key={comment.id} className={styles.commentItem}>
              <span className={styles.commentText}>
                <span className="mono">{commentLocation(comment)}</span>: {comment.text}
              </span>
              <button
                type="button"
                className="button button-small button-danger-ghost"
                aria-label={`Remove comment on ${commentLocation(comment)}`}
                onClick={() => remove(taskId, comment.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
      {sent ? (
        <p className={styles.success} role="status">
          {sent}
        </p>
      ) : null}
    </section>
  );
}
