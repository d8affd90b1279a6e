"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  MISSION_FILTERS,
  MISSION_FILTER_LABELS,
  countByFilter,
  matchesFilter,
  matchesText,
  splitMissions,
} from "@/lib/missions/mission-filter";
import { appWasUpdated } from "@/lib/client/app-events-client";
import type { MissionSession } from "@/lib/view-models";
import { useMissionsUi } from "@/stores/missions-ui-store";
import { FILTER_SHORTCUT_ATTRIBUTE } from "../shortcuts/keyboard-shortcuts";
import { EmptyMissions } from "./empty-missions";
import { EndedMissions } from "./ended-missions";
import { MissionTile } from "./mission-tile";
import { StopAllButton } from "./stop-all-button";
import styles from "./missions.module.css";

interface MissionsViewProps {
  missions: MissionSession[];
  /** The server's clock at render, for times that must hydrate identically. */
  now: number;
  maxSessions: number;
}

/** Every session at once: live tiles in a grid, ended ones listed below, filters and Stop all on top. */
export function MissionsView({ missions, now, maxSessions }: MissionsViewProps) {
  // The first render's clock, kept: a new one on every refresh would re-render every tile.
  const [serverNow] = useState(now);
  const { filter, text, expanded, dismissed, setFilter, setText, setExpanded, dismiss } = useMissionsUi();
  const router = useRouter();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);
  // Tiles that see their process end ask for a re-render (coalesced: Stop all ends many at once).
  const onTileEnded = useCallback(() => {
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = undefined;
      // After an update a refresh would reload the page (UpdateBanner offers that instead).
      if (!appWasUpdated()) router.refresh();
    }, 150);
  }, [router]);

  const visible = useMemo(() => missions.filter((m) => m.running || !dismissed.has(m.executionId)), [missions, dismissed]);
  const { live, ended } = useMemo(() => splitMissions(visible), [visible]);
  const counts = useMemo(() => countByFilter(visible), [visible]);
  const shown = (mission: MissionSession) => matchesFilter(mission, filter) && matchesText(mission, text);
  const liveShown = live.filter(shown).length;
  const endedShown = ended.filter(shown);
  const expandedLive = expanded !== null && live.some((m) => m.taskId === expanded) ? expanded : null;

  // Esc collapses, unless the keys are going to a terminal (programs like vi need Esc).
  useEffect(() => {
    if (!expandedLive) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.activeElement?.closest(".xterm") || document.querySelector("dialog[open]")) return;
      setExpanded(null);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [expandedLive, setExpanded]);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Missions</h1>
          <p className="page-subtitle">{summary(counts, maxSessions)}</p>
        </div>
        {visible.length > 0 ? (
          <div className={styles.toolbar}>
            <div className={styles.filters} role="group" aria-label="Show">
              {MISSION_FILTERS.map((value) => (
                <button
                  key={value}
                  type="button"
                  className={styles.filterButton}
                  aria-pressed={filter === value}
                  onClick={() => setFilter(value)}
                >
                  {MISSION_FILTER_LABELS[value]}
                  <span className={styles.count}>{counts[value]}</span>
                </button>
              ))}
            </div>
            <label htmlFor="missions-filter" className="visually-hidden">
              Filter missions
            </label>
            <input
              id="missions-filter"
              type="search"
              className={`input ${styles.search}`}
              placeholder="Filter by title or directory"
              value={text}
              onChange={(event) => setText(event.target.value)}
              {...{ [FILTER_SHORTCUT_ATTRIBUTE]: "" }}
            />
            <StopAllButton running={counts.running} />
          </div>
        ) : null}
      </div>

      {visible.length === 0 ? (
        <EmptyMissions />
      ) : (
        <>
          {liveShown === 0 && endedShown.length === 0 ? (
            <p className={styles.noMatch} role="status">
              No sessions match these filters.
            </p>
          ) : null}
          {live.length > 0 ? (
            <section aria-label="Live sessions" className={styles.grid} data-expanded={expandedLive ? true : undefined}>
              {live.map((mission) => (
                <MissionTile
                  key={`${mission.taskId}:${mission.executionId}`}
                  mission={mission}
                  expanded={expandedLive === mission.taskId}
                  hidden={!shown(mission)}
                  serverNow={serverNow}
                  onExpand={setExpanded}
                  onEnded={onTileEnded}
                />
              ))}
            </section>
          ) : null}
          <EndedMissions missions={endedShown} serverNow={serverNow} onDismiss={dismiss} />
        </>
      )}
    </>
  );
}

function summary(counts: Record<string, number>, maxSessions: number): string {
  if (counts.all === 0) return "Every running agent's terminal, live, in one place.";
  const parts = [`${counts.running} of ${maxSessions} running`];
  if (counts.needs_input) parts.push(`${counts.needs_input} waiting for you`);
  if (counts.review) parts.push(`${counts.review} to review`);
  if (counts.ended) parts.push(`${counts.ended} ended`);
  return parts.join(" · ");
}
