"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { sendInboxReply } from "@/actions/inbox-actions";
import { QUICK_REPLIES, MAX_REPLY_CHARS, type InboxItem } from "@/lib/inbox";
import { Ago } from "../time/live-time";
import { StatusBadge } from "../ui/status-badge";
import { useActionRunner } from "../ui/use-action-runner";
import styles from "./inbox.module.css";
import { TaskLink } from "@/components/task/task-link";

/** One waiting task: what it said, the end of its screen, and the replies that unblock it. */
export function InboxCard({ item, now }: { item: InboxItem; now: number }) {
  const router = useRouter();
  const { pending, failure, run } = useActionRunner();
  const [text, setText] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const titleId = useId();
  const fieldId = useId();

  const send = (reply: string, clearField: boolean) => {
    setSent(null);
    run(
      () => sendInboxReply({ taskId: item.taskId, text: reply }),
      () => {
        setSent(reply);
        if (clearField) setText("");
        // The agent's answer changes the screen, not necessarily the status: show its end again.
        router.refresh();
      },
    );
  };

  return (
    <article className={`panel ${styles.card}`} aria-labelledby={titleId} data-status={item.status}>
      <header className={styles.cardHeader}>
        <TaskLink id={titleId} taskId={item.taskId} className={styles.cardTitle}>
          {item.title}
        </TaskLink>
        <StatusBadge status={item.status} />
        <span className={styles.when}>
          <Ago at={item.updatedAt} serverNow={now} />
        </span>
      </header>
      {item.statusMessage && <p className={styles.message}>{item.statusMessage}</p>}
      {item.lastLines.length > 0 ? (
        <pre className={styles.lastLines} aria-label="Last lines">
          {item.lastLines.join("\n")}
        </pre>
      ) : (
        <p className="faint">No terminal output yet.</p>
      )}
      {item.running ? (
        <form
          className={styles.replies}
          aria-label={`Reply to ${item.title}`}
          onSubmit={(event) => {
            event.preventDefault();
            send(text, true);
          }}
        >
          <div className={styles.quick}>
            {QUICK_REPLIES.map((reply) => (
              <button key={reply} type="button" className="button" disabled={pending} onClick={() => send(reply, false)}>
                {reply.charAt(0).toUpperCase() + reply.slice(1)}
              </button>
            ))}
          </div>
          <div className={styles.freeText}>
            <label htmlFor={fieldId} className="visually-hidden">
              Reply
            </label>
            <input
              id={fieldId}
              className="input"
              value={text}
              maxLength={MAX_REPLY_CHARS}
              placeholder="Reply…"
              enterKeyHint="send"
              autoComplete="off"
              onChange={(event) => setText(event.target.value)}
            />
            <button type="submit" className="button button-primary" disabled={pending || text.trim().length === 0}>
              Send
            </button>
          </div>
          {failure ? (
            <p className={styles.error} role="alert">
              {failure.fields?.text ?? failure.message}
            </p>
          ) : sent !== null ? (
            <p className={styles.sent} role="status">
              Sent “{sent}”
            </p>
          ) : null}
        </form>
      ) : (
        <p className={styles.notRunning}>
          Its terminal is not running. <TaskLink taskId={item.taskId}>Open the task</TaskLink> to resume or review it.
        </p>
      )}
    </article>
  );
}
