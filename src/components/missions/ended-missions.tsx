"use client";

import type { MissionSession } from "@/lib/view-models";
import { exitText } from "../terminal/terminal-labels";
import { Ago } from "../time/live-time";
import { StatusBadge } from "../ui/status-badge";
import styles from "./missions.module.css";
import { TaskLink } from "@/components/task/task-link";

interface EndedMissionsProps {
  missions: MissionSession[];
  serverNow: number;
  onDismiss(executionIds: string[]): void;
}

/**
 * Sessions whose process exited but which the server still keeps (until the exited keepalive
 * reaps them): out of the live grid, listed with how they ended, so nothing vanishes unseen.
 * Dismissing only hides them here; the task page still shows the last screen.
 */
export function EndedMissions({ missions, serverNow, onDismiss }: EndedMissionsProps) {
  if (missions.length === 0) return null;
  return (
    <section className={`panel ${styles.ended}`} aria-labelledby="ended-title">
      <div className="panel-header">
        <div>
          <h2 id="ended-title">Ended</h2>
          <p className="faint">Processes that exited. Kept for a few minutes; open the task to read its last screen.</p>
        </div>
        <button type="button" className="button button-ghost button-small" onClick={() => onDismiss(missions.map((m) => m.executionId))}>
          Dismiss all
        </button>
      </div>
      <ul className={styles.endedList}>
        {missions.map((mission) => (
          <li key={mission.executionId} className={styles.endedRow} aria-label={mission.title}>
            <StatusBadge status={mission.taskStatus} />
            <TaskLink taskId={mission.taskId} className={styles.endedTitle}>
              {mission.title}
            </TaskLink>
            <span className={`mono ${styles.endedExit}`}>{exitText(mission)}</span>
            <span className="faint">
              ended <Ago at={mission.endedAt} serverNow={serverNow} />
            </span>
            <button type="button" className="button button-ghost button-small" onClick={() => onDismiss([mission.executionId])} aria-label={`Dismiss ${mission.title}`}>
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
