import Link from "next/link";
import styles from "./inbox.module.css";

/**
 * The board's way to the Inbox on a phone: a wide button above the columns while tasks wait.
 * Hidden on wider screens, where the columns themselves show who waits (inbox.module.css).
 */
export function InboxCallout({ waiting }: { waiting: number }) {
  if (waiting === 0) return null;
  return (
    <div className={styles.callout}>
      <Link prefetch={false} href="/inbox" className="button button-primary">
        {waiting === 1 ? "1 task waits for you" : `${waiting} tasks wait for you`} · Open the Inbox
      </Link>
    </div>
  );
}
