"use client";

import { useOptimistic, useTransition, useState } from "react";
import { setTaskStatus } from "@/actions/task-actions";
import { callAction } from "@/lib/client/action-call";
import { TASK_STATUSES, TASK_STATUS_LABELS, type TaskStatus } from "@/lib/domain";

/**
 * Sets a task's status by hand (agents set it themselves while they run). The select shows the
 * new value at once and goes back if the server refuses.
 */
export function TaskStatusSelect({ taskId, status, id }: { taskId: string; status: TaskStatus; id?: string }) {
  const [pending, startTransition] = useTransition();
  const [shown, setShown] = useOptimistic(status);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <>
      <select
        id={id}
        className="select"
        value={shown}
        disabled={pending}
        aria-invalid={error ? true : undefined}
        onChange={(event) => {
          const next = event.target.value as TaskStatus;
          startTransition(async () => {
            setShown(next);
            const result = await callAction(() => setTaskStatus({ id: taskId, status: next }));
            setError(result.ok ? undefined : result.message);
          });
        }}
      >
        {TASK_STATUSES.map((value) => (
          <option key={value} value={value}>
            {TASK_STATUS_LABELS[value]}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
