"use client";

import { useEffect, useState, type ReactNode } from "react";
import { ChangesPanel } from "@/components/review/changes-panel";
import { useReviewComments, usePendingComments } from "@/stores/review-comments-store";
import styles from "./task-tabs.module.css";

type Tab = "terminal" | "changes";

export interface TaskTabsProps {
  taskId: string;
  taskTitle: string;
  taskDone: boolean;
  /** The terminal: stays mounted while the Changes tab is shown (its session and screen live on). */
  terminal: ReactNode;
}

/**
 * Terminal | Changes, for tasks with a workspace. Both panels stay mounted once shown; the hidden
 * one is `hidden` (the terminal refits on its ResizeObserver when shown again; the Changes panel
 * stops polling).
 */
export function TaskTabs({ taskId, taskTitle, taskDone, terminal }: TaskTabsProps) {
  const [tab, setTab] = useState<Tab>("terminal");
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
      <div role="tablist" aria-label="Task views" className={styles.tablist}>
        <button
          type="button"
          role="tab"
          id={`tab-terminal-${taskId}`}
          aria-controls={`panel-terminal-${taskId}`}
          aria-selected={tab === "terminal"}
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
      <div role="tabpanel" id={`panel-terminal-${taskId}`} aria-labelledby={`tab-terminal-${taskId}`} hidden={tab !== "terminal"}>
        {terminal}
      </div>
      <div role="tabpanel" id={`panel-changes-${taskId}`} aria-labelledby={`tab-changes-${taskId}`} hidden={tab !== "changes"}>
        {changesMounted || tab === "changes" ? <ChangesPanel taskId={taskId} taskTitle={taskTitle} taskDone={taskDone} active={tab === "changes"} /> : null}
      </div>
    </div>
  );
}
