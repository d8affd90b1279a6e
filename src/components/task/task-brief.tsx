import type { Task } from "@/server/db/schema";
import styles from "./task-page.module.css";

/** Description (for people) and prompt (for the agent), each with an empty state that says what it is for. */
export function TaskBrief({ task }: { task: Task }) {
  return (
    <section className="panel" aria-labelledby="brief-title">
      <div className="panel-header">
        <h2 id="brief-title">Brief</h2>
      </div>
      <div className={`panel-body ${styles.brief}`}>
        <div>
          <h3 className={styles.briefLabel}>Description</h3>
          {task.description ? (
            <p className={styles.prose}>{task.description}</p>
          ) : (
            <p className="faint">No description. Use Edit to add notes for yourself.</p>
          )}
        </div>
        <div>
          <h3 className={styles.briefLabel}>Prompt</h3>
          {task.prompt ? (
            <pre className={styles.prompt}>{task.prompt}</pre>
          ) : (
            <p className="faint">No prompt. The agent starts without instructions; use Edit to add what it should do.</p>
          )}
        </div>
      </div>
    </section>
  );
}
