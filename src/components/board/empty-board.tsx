import styles from "./board.module.css";

/** First run: say what a task is and how to begin. */
export function EmptyBoard({ onCreate }: { onCreate: () => void }) {
  return (
    <section className={`panel ${styles.empty}`} aria-labelledby="empty-board-title">
      <div className={styles.emptyIcon} aria-hidden="true">
        <svg viewBox="0 0 24 24" width="26" height="26">
          <rect x="3" y="4" width="18" height="16" rx="3" stroke="currentColor" strokeWidth="1.5" fill="none" />
          <path d="M7 10l3 2.5L7 15M12.5 15h4.5" stroke="currentColor" strokeWidth="1.5" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </div>
      <h2 id="empty-board-title">No tasks yet</h2>
      <p className="muted">
        A <strong>task</strong> is one piece of work for a coding agent: a prompt saying what to do, the directory it
        works in, and the CLI that runs it (Claude Code by default). Each task gets its own real terminal that you can
        watch and type into from here.
      </p>
      <ol className={styles.emptySteps}>
        <li>Create a task with a title, a prompt and a working directory.</li>
        <li>Open it and start its agent in the terminal.</li>
        <li>Follow its status on this board: running, needs input, review, done.</li>
      </ol>
      <button type="button" className="button button-primary" onClick={onCreate}>
        Create your first task
      </button>
    </section>
  );
}
