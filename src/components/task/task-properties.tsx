import type { Task } from "@/server/db/schema";
import type { RunUsage } from "@/lib/format/run-usage";
import { TaskUsageTotal } from "../costs/task-usage-total";
import { formatDateTime, formatRelativeTime } from "@/lib/format/time";
import { TaskStatusSelect } from "./task-status-select";
import styles from "./task-page.module.css";

interface TaskPropertiesProps {
  task: Task;
  /** "Claude Code" or "Active profile (Claude Code)" when the task follows the active one. */
  profileLabel: string;
  now: number;
  /** Per run: tokens and cost read from its agent's transcript (Claude runs). */
  usage?: Record<string, RunUsage>;
}

/** The property sidebar of a task page: status (editable), directory, profile, times. */
export function TaskProperties({ task, profileLabel, now, usage = {} }: TaskPropertiesProps) {
  const created = task.createdAt.getTime();
  const updated = task.updatedAt.getTime();
  return (
    <aside className={`panel ${styles.properties}`} aria-label="Properties">
      <dl className={styles.propertyList}>
        <div>
          <dt>
            <label htmlFor="task-status">Status</label>
          </dt>
          <dd>
            <TaskStatusSelect id="task-status" taskId={task.id} status={task.status} />
          </dd>
        </div>
        {task.statusMessage ? (
          <div>
            <dt>Agent says</dt>
            <dd>{task.statusMessage}</dd>
          </div>
        ) : null}
        <div>
          <dt>Working directory</dt>
          <dd className="mono">{task.cwd}</dd>
        </div>
        <div>
          <dt>Isolation</dt>
          <dd>
            {task.isolation === "worktree" ? "Own worktree" : task.isolation === "none" ? "None (in place)" : "Default (from Settings)"}
            {task.baseBranch ? (
              <>
                {" from "}
                <span className="mono">{task.baseBranch}</span>
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>CLI profile</dt>
          <dd>{profileLabel}</dd>
        </div>
        {Object.keys(usage).length > 0 ? (
          <div>
            <dt>Usage</dt>
            <dd>
              <TaskUsageTotal taskId={task.id} initial={usage} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={task.createdAt.toISOString()} title={formatDateTime(created)}>
              {formatDateTime(created)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={task.updatedAt.toISOString()} title={formatDateTime(updated)}>
              {formatRelativeTime(updated, now)}
            </time>
          </dd>
        </div>
      </dl>
    </aside>
  );
}
