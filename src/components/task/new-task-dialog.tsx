"use client";

import { createTask } from "@/actions/task-actions";
import type { ProfileOption } from "@/lib/view-models";
import { useBoardUi } from "@/stores/board-ui-store";
import { Dialog } from "../ui/dialog";
import { TaskForm } from "./task-form";

interface NewTaskDialogProps {
  profiles: ProfileOption[];
  /** Prefilled working directory (the server's own directory). */
  defaultCwd: string;
}

/** The "New task" dialog of the board; its open state lives in the board store. */
export function NewTaskDialog({ profiles, defaultCwd }: NewTaskDialogProps) {
  const open = useBoardUi((state) => state.newTaskOpen);
  const close = useBoardUi((state) => state.closeNewTask);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New task"
      description="A task is one piece of work for a coding agent, run in its own terminal."
    >
      <TaskForm
        initial={{ title: "", description: "", prompt: "", cwd: defaultCwd, profileId: "", isolation: "", baseBranch: "" }}
        profiles={profiles}
        submitLabel="Create task"
        pendingLabel="Creating…"
        action={createTask}
        onSuccess={close}
        onCancel={close}
      />
    </Dialog>
  );
}
