"use client";

import dynamic from "next/dynamic";
import { useEffect, useState, type MouseEvent as ReactMouseEvent, type ReactNode } from "react";
import { useReviewComments, usePendingComments } from "@/stores/review-comments-store";
import styles from "./task-tabs.module.css";

type Tab = "terminal" | "changes";

/** The diff library (and its highlighter) is loaded when the Changes tab is first opened, not with every task page. */
const ChangesPanel = dynamic(() => import("@/components/review/changes-panel").then((module) => module.ChangesPanel), {
  ssr: false,
  loading: () => <p className="faint">Loading the changes view…</p>,
});

export interface TaskTabsProps {
  taskId: string;
  /** The task has a workspace (a worktree): the Changes tab is offered. */
  hasWorkspace: boolean;
  taskTitle: string;
  taskDone: boolean;
  /** The terminal: stays mounted while the Changes tab is shown (its session and screen live on). */
  terminal: ReactNode;
}

/**
 * Right after the Terminal tab is shown again, xterm has not re-measured yet and its element does
 * not cover the screen box: a click there lands on the box and the terminal stays unfocused (the
 * keys typed next would go to the page's shortcuts). Such a click focuses the terminal here.
 */
function focusTerminalOnMissedClick(event: ReactMouseEvent<HTMLDivElement>): void {
  const target = event.target as HTMLElement;
  if (target.closest(".xterm") || !target.closest('[data-testid="terminal-screen"]')) return;
  event.currentTarget.querySelector<HTMLTextAreaElement>(".xterm-helper-textarea")?.focus();
}

/**
 * Terminal | Changes, for tasks with a workspace. Both panels stay mounted once shown; the hidden
 * one is `hidden` (the terminal refits on its ResizeObserver when shown again; the Changes panel
 * stops polling). Without a workspace only the terminal shows, at the same place in the tree: a
 * task whose worktree appears with its first run keeps its terminal (and connection) as it is.
 */
export function TaskTabs({ taskId, hasWorkspace, taskTitle, taskDone, terminal }: TaskTabsProps) {
  const [chosen, setTab] = useState<Tab>("terminal");
  const tab: Tab = hasWorkspace ? chosen : "terminal";
  const [changesMounted, setChangesMounted] = useState(false);
  const pending = usePendingComments(taskId).length;

  useEffect(() => {
    void useReviewComments.persist.rehydrate();
  }, []);
  useEffect(() => {
    if (tab === "changes") setChangesMounted(true);
  }, [tab]);

  return (
    <div className={styles.root}>
      {hasWorkspace ? (
        <div
          role="tablist"
          aria-label="Task views"
          className={styles.tablist}
          onKeyDown={(event) => {
            // The ARIA tabs pattern: arrows move between the two tabs (and select them).
            if (event.key !== "ArrowLeft" && event.key !== "ArrowRight" && event.key !== "Home" && event.key !== "End") return;
            event.preventDefault();
            const next: Tab = event.key === "Home" ? "terminal" : event.key === "End" ? "changes" : tab === "terminal" ? "changes" : "terminal";
            setTab(next);
            document.getElementById(`tab-${next}-${taskId}`)?.focus();
          }}
        >
          <button
            type="button"
            role="tab"
            id={`tab-terminal-${taskId}`}
            aria-controls={`panel-terminal-${taskId}`}
            aria-selected={tab === "terminal"}
            tabIndex={tab === "terminal" ? 0 : -1}
            className={styles.tab}
            onClick={() => setTab("terminal")}
          >
            Terminal
          </button>
          <button
            type="button"
            role="tab"
            id={`tab-changes-${taskId}`}
            aria-controls={`panel-changes-${taskId}`}
            aria-selected={tab === "changes"}
            tabIndex={tab === "changes" ? 0 : -1}
            className={styles.tab}
            onClick={() => setTab("changes")}
          >
            Changes
            {pending > 0 ? (
              <span className={styles.count} aria-label={`${pending} pending comments`}>
                {pending}
              </span>
            ) : null}
          </button>
        </div>
      ) : null}
      <div
        role={hasWorkspace ? "tabpanel" : undefined}
        id={`panel-terminal-${taskId}`}
        aria-labelledby={hasWorkspace ? `tab-terminal-${taskId}` : undefined}
        hidden={tab !== "terminal"}
        onMouseUp={hasWorkspace ? focusTerminalOnMissedClick : undefined}
      >
        {terminal}
      </div>
      {hasWorkspace ? (
        <div role="tabpanel" id={`panel-changes-${taskId}`} aria-labelledby={`tab-changes-${taskId}`} hidden={tab !== "changes"}>
          {changesMounted || tab === "changes" ? <ChangesPanel taskId={taskId} taskTitle={taskTitle} taskDone={taskDone} active={tab === "changes"} /> : null}
        </div>
      ) : null}
    </div>
  );
}
