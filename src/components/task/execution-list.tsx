import type { Execution } from "@/server/db/schema";
import type { RunUsage } from "@/lib/format/run-usage";
import { RunUsageLabel } from "../costs/run-usage-label";
import { formatDateTime, formatDuration, formatRelativeTime } from "@/lib/format/time";
import { RecordingButton } from "../recording/recording-button";
import { StatusBadge } from "../ui/status-badge";
import styles from "./task-page.module.css";

/** The task's runs, newest first. A server component: times are computed once, at render. */
export function ExecutionList({
  executions,
  now,
  usage = {},
}: {
  executions: Execution[];
  now: number;
  /** Per execution id: tokens and cost read from the agent's transcript (Claude runs). */
  usage?: Record<string, RunUsage>;
}) {
  return (
    <section className="panel" aria-labelledby="runs-title">
      <div className="panel-header">
        <h2 id="runs-title">Runs</h2>
        {executions.length > 0 ? <span className="faint">{executions.length === 50 ? "latest 50" : executions.length}</span> : null}
      </div>
      {executions.length === 0 ? (
        <div className="empty-state">
          <h3>No runs yet</h3>
          <p>Each time this task&apos;s agent is started, a run is recorded here with its duration, exit code and — for Claude Code — tokens and cost.</p>
        </div>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Exit</th>
                <th scope="col">Usage</th>
                <th scope="col">Profile</th>
                <th scope="col">Command</th>
                <th scope="col">
                  <span className="visually-hidden">Output</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {executions.map((execution) => {
                const started = execution.startedAt.getTime();
                const ended = execution.endedAt?.getTime();
                return (
                  <tr key={execution.id} data-testid="run-row">
                    <td>
                      <StatusBadge status={execution.status} />
                    </td>
                    <td>
                      <time dateTime={execution.startedAt.toISOString()} title={formatDateTime(started)}>
                        {formatRelativeTime(started, now)}
                      </time>
                    </td>
                    <td>{ended !== undefined ? formatDuration(ended - started) : `${formatDuration(now - started)} so far`}</td>
                    <td className="mono">{exitText(execution)}</td>
                    <td>
                      <RunUsageLabel executionId={execution.id} initial={usage[execution.id] ?? null} empty="—" />
                    </td>
                    <td>{execution.profileName || "—"}</td>
                    <td className={`mono ${styles.command}`} title={execution.commandLine}>
                      {execution.commandLine}
                    </td>
                    <td className={styles.outputCell}>
                      {/* A running run is the live terminal above; ended ones replay from their recording. */}
                      {execution.status !== "running" ? (
                        <RecordingButton
                          executionId={execution.id}
                          runLabel={`Started ${formatDateTime(started)} · ${ended !== undefined ? formatDuration(ended - started) : "—"} · exit ${exitText(execution)}`}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function exitText(execution: Execution): string {
  if (execution.exitCode !== null) return String(execution.exitCode);
  if (execution.signal) return execution.signal;
  return "—";
}
