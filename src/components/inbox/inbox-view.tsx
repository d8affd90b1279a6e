import Link from "next/link";
import type { InboxItem } from "@/lib/inbox";
import { InboxCard } from "./inbox-card";
import styles from "./inbox.module.css";

/** The Inbox page's body: what waits on a person, or a short all-clear. */
export function InboxView({ items, now }: { items: InboxItem[]; now: number }) {
  const needsInput = items.filter((item) => item.status === "needs_input").length;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Inbox</h1>
          <p className="page-subtitle">{summary(items.length, needsInput)}</p>
        </div>
      </div>
      {items.length === 0 ? (
        <section className={`panel ${styles.empty}`} aria-label="Nothing waiting">
          <p>No task is waiting for you. Tasks show up here when their agent needs input or asks for a review.</p>
          <Link prefetch={false} href="/" className="button">
            Open the board
          </Link>
        </section>
      ) : (
        <ul className={styles.list} aria-label="Waiting tasks">
          {items.map((item) => (
            <li key={item.taskId}>
              <InboxCard item={item} now={now} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function summary(total: number, needsInput: number): string {
  if (total === 0) return "All clear";
  const review = total - needsInput;
  const parts = [];
  if (needsInput > 0) parts.push(`${needsInput} need${needsInput === 1 ? "s" : ""} input`);
  if (review > 0) parts.push(`${review} ready for review`);
  return parts.join(" · ");
}
