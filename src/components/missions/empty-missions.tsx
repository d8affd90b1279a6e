"use client";

import Link from "next/link";
import { useBoardUi } from "@/stores/board-ui-store";

/** What Missions is, and the way to get something onto it. */
export function EmptyMissions() {
  const openNewTask = useBoardUi((state) => state.openNewTask);
  return (
    <section className="panel empty-state" aria-labelledby="missions-empty-title">
      <h2 id="missions-empty-title">No agents are running</h2>
      <p>
        Missions shows every running task&apos;s terminal at once, live: watch them side by side, click one to type into it, expand it
        to work in it, stop one or all of them.
      </p>
      <p>
        To start one, open a task on the board and press <strong>Start</strong> above its terminal — or create a task first (
        <kbd>n</kbd>). It appears here as soon as it starts.
      </p>
      <div className="form-actions">
        <Link prefetch={false} href="/" className="button button-primary" onClick={openNewTask}>
          New task
        </Link>
        <Link prefetch={false} href="/" className="button">
          Go to the board
        </Link>
      </div>
    </section>
  );
}
