"use client";

import { useState } from "react";
import { deleteTask } from "@/actions/task-actions";
import { ConfirmDialog } from "../ui/confirm-dialog";

/** Delete with a confirmation; on success the action itself navigates to the board. */
export function DeleteTaskButton({ taskId, title, runCount }: { taskId: string; title: string; runCount: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-danger-ghost" onClick={() => setOpen(true)}>
        Delete
      </button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Delete this task?"
        confirmLabel="Delete task"
        onConfirm={() => deleteTask(taskId)}
      >
        <p>
          <strong>{title}</strong>
          {runCount > 0 ? ` and the record of its ${runCount} ${runCount === 1 ? "run" : "runs"}` : ""} will be deleted.
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}
