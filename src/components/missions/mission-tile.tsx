"use client";

import { memo, useCallback, useRef, useState, useTransition, type MouseEvent } from "react";
import { stopPtyExecution } from "@/actions/agent-actions";
import { callAction } from "@/lib/client/action-call";
import type { SessionState } from "@/terminal/contract/protocol";
import type { ConnectionStatus } from "@/terminal/client/terminal-connection";
import type { MissionSession } from "@/lib/view-models";
import { RunUsageLabel } from "../costs/run-usage-label";
import { CONNECTION_TEXT, exitText } from "../terminal/terminal-labels";
import { TerminalView, type TerminalExit, type TerminalViewHandle } from "../terminal/terminal-view";
import { Ago, Elapsed } from "../time/live-time";
import { StatusBadge } from "../ui/status-badge";
import styles from "./missions.module.css";
import { TaskLink } from "@/components/task/task-link";

/** Small enough for many tiles, big enough to read; the expanded tile gets the task page's size. */
export const TILE_FONT_SIZE = 11;
export const EXPANDED_FONT_SIZE = 13;
/** Tiles keep less history than the task page: twenty of them share one tab's memory. */
const TILE_SCROLLBACK = 2_000;

interface MissionTileProps {
  mission: MissionSession;
  expanded: boolean;
  /** Filtered out: kept mounted (no reconnect, no lost screen) but not shown. */
  hidden: boolean;
  serverNow: number;
  onExpand(taskId: string | null): void;
  /** The process exited (seen by this tile's terminal): the panel moves it to the ended list. */
  onEnded(): void;
}

/**
 * One live session in the Missions grid: a real viewer of the task's PTY (the same screen as the
 * task page) with its title, status, elapsed time and last activity. Memoized on plain values,
 * so a page refresh caused by some other task's event does not re-render it.
 */
export const MissionTile = memo(function MissionTile({ mission, expanded, hidden, serverNow, onExpand, onEnded }: MissionTileProps) {
  const { taskId, title } = mission;
  const viewRef = useRef<TerminalViewHandle>(null);
  const [connection, setConnection] = useState<ConnectionStatus>("connecting");
  const [exit, setExit] = useState<TerminalExit | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [activity, setActivity] = useState<number | null>(mission.lastOutputAt);
  const [pending, startTransition] = useTransition();

  const onActivity = useCallback((at: number) => setActivity(at), []);
  const ended = useRef(false);
  const onExit = useCallback(
    (info: TerminalExit) => {
      setExit(info);
      // Once: state messages keep coming after the exit (viewers come and go).
      if (!ended.current) onEnded();
      ended.current = true;
    },
    [onEnded],
  );
  // A session that ended before this tile connected says so in its first state message.
  const onState = useCallback(
    (state: SessionState) => {
      if (!state.running) onExit({ exitCode: state.exitCode, signal: state.signal });
    },
    [onExit],
  );
  const stop = () => {
    setError(null);
    startTransition(async () => {
      const result = await callAction(() => stopPtyExecution(taskId));
      if (!result.ok) setError(result.message);
    });
  };
  // A click anywhere on the tile (not on its controls) puts the keyboard in its terminal.
  const focusTerminal = (event: MouseEvent) => {
    if (!(event.target as Element).closest("a, button, input, select, textarea")) viewRef.current?.focus();
  };

  const lastActivity = Math.max(activity ?? 0, mission.lastOutputAt ?? 0) || null;
  return (
    <article
      className={styles.tile}
      aria-label={title}
      data-status={mission.taskStatus}
      data-expanded={expanded || undefined}
      hidden={hidden}
      onClick={focusTerminal}
    >
      <header className={styles.tileHeader}>
        <div className={styles.tileTitleRow}>
          <StatusBadge status={mission.taskStatus} />
          <TaskLink taskId={taskId} className={styles.tileTitle} title={title}>
            {title}
          </TaskLink>
        </div>
        <div className={styles.tileActions}>
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => onExpand(expanded ? null : taskId)}
            title={expanded ? "Back to the grid (Esc)" : "Fill the panel with this terminal"}
          >
            {expanded ? "Collapse" : "Expand"}
          </button>
          {exit === null ? (
            <button type="button" className="button button-danger-ghost button-small" disabled={pending} onClick={stop}>
              {pending ? "Stopping…" : "Stop"}
            </button>
          ) : null}
        </div>
        <div className={styles.tileMeta}>
          <span className={styles.connection} data-state={connection} role="status" aria-label="Terminal connection">
            <span className={styles.dot} aria-hidden="true" />
            {CONNECTION_TEXT[connection]}
          </span>
          <span title="Running for">
            <span className="visually-hidden">Running for </span>
            <Elapsed since={mission.startedAt} serverNow={serverNow} />
          </span>
          <span className={styles.activity} data-testid="tile-activity">
            Active <Ago at={lastActivity} serverNow={serverNow} never="never" />
          </span>
          <RunUsageLabel executionId={mission.executionId} initial={mission.usage} compact />
          {exit ? (
            <span className={styles.exit} data-testid="terminal-exit">
              {exitText(exit)}
            </span>
          ) : (
            <span className={styles.cwd} title={mission.cwd}>
              {mission.cwdShort}
            </span>
          )}
        </div>
      </header>
      {error ? (
        <p className={styles.tileError} role="alert">
          {error}
        </p>
      ) : null}
      <TerminalView
        ref={viewRef}
        taskId={taskId}
        fontSize={expanded ? EXPANDED_FONT_SIZE : TILE_FONT_SIZE}
        scrollback={TILE_SCROLLBACK}
        className={styles.tileScreen}
        wheelScrollsPageUnlessFocused={!expanded}
        background
        active={expanded}
        sizing={expanded ? "lead" : "follow"}
        shrinkToFit={!expanded}
        onActivity={onActivity}
        onStatus={setConnection}
        onState={onState}
        onExit={onExit}
        onError={setError}
      />
    </article>
  );
}, sameTile);

function sameTile(a: MissionTileProps, b: MissionTileProps): boolean {
  if (a.expanded !== b.expanded || a.hidden !== b.hidden || a.serverNow !== b.serverNow || a.onExpand !== b.onExpand || a.onEnded !== b.onEnded) {
    return false;
  }
  const x = a.mission;
  const y = b.mission;
  return (
    x.taskId === y.taskId &&
    x.executionId === y.executionId &&
    x.title === y.title &&
    x.taskStatus === y.taskStatus &&
    x.cwd === y.cwd &&
    x.cwdShort === y.cwdShort &&
    x.running === y.running &&
    x.startedAt === y.startedAt &&
    // Also taken from the server: a tile out of sight receives no output, so it cannot see it itself.
    x.lastOutputAt === y.lastOutputAt &&
    x.usage?.updatedAt === y.usage?.updatedAt &&
    x.profileName === y.profileName
  );
}
