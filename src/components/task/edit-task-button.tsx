"use client";

import { useState } from "react";
import { updateTask } from "@/actions/task-actions";
import type { ProfileOption, TaskFormValues } from "@/lib/view-models";
import { Dialog } from "../ui/dialog";
import { TaskForm } from "./task-form";

export function EditTaskButton({
  taskId,
  values,
  profiles,
  worktree,
}: {
  taskId: string;
  values: TaskFormValues;
  profiles: ProfileOption[];
  /** The task's worktree, once it has one: directory, isolation and base branch are fixed then. */
  worktree?: { path: string; branch: string };
}) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Edit
      </button>
      <Dialog open={open} onClose={close} title="Edit task">
        <TaskForm
          initial={values}
          profiles={profiles}
          submitLabel="Save changes"
          pendingLabel="Saving…"
          action={(next) => updateTask(taskId, next)}
          onSuccess={close}
          onCancel={close}
          worktree={worktree}
        />
      </Dialog>
    </>
  );
}
