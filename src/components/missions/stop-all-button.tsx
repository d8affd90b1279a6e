"use client";

import { useState } from "react";
import { stopAllPtyExecutions } from "@/actions/agent-actions";
import { callAction } from "@/lib/client/action-call";
import { ConfirmDialog } from "../ui/confirm-dialog";

/** Stops every running session after a confirmation; says how many it stopped. */
export function StopAllButton({ running }: { running: number }) {
  const [open, setOpen] = useState(false);
  const [stopped, setStopped] = useState<number | null>(null);
  return (
    <>
      <button type="button" className="button button-danger-ghost" disabled={running === 0} onClick={() => setOpen(true)}>
        Stop all
      </button>
      {stopped !== null ? (
        <span className="visually-hidden" role="status">
          Stopped {stopped} {stopped === 1 ? "session" : "sessions"}.
        </span>
      ) : null}
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Stop all running sessions?"
        confirmLabel="Stop all"
        onConfirm={async () => {
          const result = await callAction(() => stopAllPtyExecutions());
          if (result.ok) setStopped(result.data.stopped);
          return result;
        }}
      >
        <p>
          {running === 1 ? "The running session" : `All ${running} running sessions`} will be stopped: each process and everything it
          started gets SIGTERM, then SIGKILL after a short grace. Their output stays readable on each task&apos;s page.
        </p>
      </ConfirmDialog>
    </>
  );
}
