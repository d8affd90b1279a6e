import Link from "next/link";
import { formatDateTime } from "@/lib/format/time";
import type { GlobalSearchView, RunHitsView, SearchHit } from "@/server/search/search-types";
import styles from "./search.module.css";
import { TaskLink } from "@/components/task/task-link";

/** A run's matches in grep's layout: line numbers, context dimmed, the match marked. */
function RunLines({ matches }: { matches: SearchHit[] }) {
  const rows = new Map<number, { text: string; hit?: SearchHit }>();
  for (const hit of matches) {
    hit.before.forEach((text, i) => {
      const n = hit.line - hit.before.length + i;
      if (!rows.has(n)) rows.set(n, { text });
    });
    rows.set(hit.line, { text: hit.text, hit });
    hit.after.forEach((text, i) => {
      const n = hit.line + 1 + i;
      if (!rows.get(n)?.hit) rows.set(n, { text });
    });
  }
  const numbers = [...rows.keys()].sort((a, b) => a - b);
  return (
    <pre className={styles.lines} data-testid="search-lines">
      {numbers.map((n, i) => {
        const row = rows.get(n)!;
        const gap = i > 0 && n > numbers[i - 1]! + 1;
        return (
          <span key={n}>
            {gap ? <span className={styles.separator}>{"⋯\n"}</span> : null}
            <span className={row.hit ? styles.line : `${styles.line} ${styles.context}`} data-line={n}>
              <span className={styles.lineNumber}>{n}</span>
              <span>
                {row.hit ? (
                  <>
                    {row.text.slice(0, row.hit.column)}
                    <mark className={styles.match}>{row.text.slice(row.hit.column, row.hit.column + row.hit.length)}</mark>
                    {row.text.slice(row.hit.column + row.hit.length)}
                  </>
                ) : (
                  row.text
                )}
              </span>
              {"\n"}
            </span>
          </span>
        );
      })}
    </pre>
  );
}

function RunResult({ run }: { run: RunHitsView }) {
  const shown = run.matches.length;
  return (
    <section className="panel" aria-label={`${run.taskTitle}, run ${run.executionId}`} data-testid="search-run">
      <div className="panel-header">
        <div className={styles.runHeader}>
          <TaskLink className={styles.runTitle} taskId={run.taskId}>
            {run.taskTitle}
          </TaskLink>
          <span className={styles.runMeta}>
            run <span className="mono">{run.executionId.slice(0, 8)}</span> · {run.source === "live" && run.status === "running" ? "running" : run.status} · started{" "}
            <time dateTime={run.startedAt}>{formatDateTime(Date.parse(run.startedAt))}</time>
          </span>
        </div>
        <span className="muted">
          {run.totalMatches} matching line{run.totalMatches === 1 ? "" : "s"}
        </span>
      </div>
      <div className="panel-body">
        <RunLines matches={run.matches} />
        {run.totalMatches > shown || !run.complete ? (
          <p className={styles.more}>
            {run.totalMatches > shown ? `${run.totalMatches - shown} more in this run. ` : ""}
            {run.complete ? "" : "The search of this run stopped at its time limit. "}
            Agents page through all of them with search_task_terminal_output.
          </p>
        ) : null}
      </div>
    </section>
  );
}

export function SearchResults({ view, olderHref }: { view: GlobalSearchView; olderHref: string | undefined }) {
  return (
    <>
      <p className={styles.summary} role="status">
        {view.runs.length === 0
          ? `No run's output matches (${view.runsSearched} run${view.runsSearched === 1 ? "" : "s"} searched).`
          : `${view.runs.length} run${view.runs.length === 1 ? "" : "s"} with matches, ${view.runsSearched} searched, newest first.`}
      </p>
      {view.unreadable.length > 0 ? (
        <p className={styles.more} role="note">
          {view.unreadable.length === 1 ? "One run's recording" : `${view.unreadable.length} runs' recordings`} could not be read and{" "}
          {view.unreadable.length === 1 ? "was" : "were"} skipped:{" "}
          {view.unreadable.map((run, i) => (
            <span key={run.executionId}>
              {i > 0 ? "; " : ""}
              <TaskLink taskId={run.taskId}>{run.taskTitle}</TaskLink>, run <span className="mono">{run.executionId.slice(0, 8)}</span> ({run.message})
            </span>
          ))}
        </p>
      ) : null}
      <div className={styles.runs}>
        {view.runs.map((run) => (
          <RunResult key={run.executionId} run={run} />
        ))}
      </div>
      {olderHref ? (
        <div className={styles.pager}>
          <Link prefetch={false} className="button" href={olderHref}>
            Search older runs
          </Link>
        </div>
      ) : null}
    </>
  );
}
