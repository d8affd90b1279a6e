"use client";

import { setTaskStatus } from "@/actions/task-actions";
import { useActionRunner } from "../ui/use-action-runner";

/** Marks the task done (a person's verdict: the agent's work is accepted). The page refreshes live. */
export function MarkDoneButton({ taskId }: { taskId: string }) {
  const { pending, failure, run } = useActionRunner();
  return (
    <>
      <button type="button" className="button" disabled={pending} onClick={() => run(() => setTaskStatus({ id: taskId, status: "done" }))}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path d="M3 8.5l3 3 7-7" stroke="currentColor" strokeWidth="1.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {pending ? "Marking…" : "Mark done"}
      </button>
      {failure ? (
        <p className="field-error" role="alert">
          {failure.message}
        </p>
      ) : null}
    </>
  );
}
