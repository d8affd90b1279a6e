"use client";

import { useCallback, useState, useTransition } from "react";
import { callAction } from "@/lib/client/action-call";
import type { ActionFailure, ActionResult } from "@/lib/errors";

/**
 * Runs a server action in a transition and keeps its failure for the form to show. Forms submit
 * through this (not `<form action>`), because React resets a form after a form action, which
 * would throw away what the user typed when the server says no.
 */
export function useActionRunner() {
  const [pending, startTransition] = useTransition();
  const [failure, setFailure] = useState<ActionFailure | undefined>(undefined);

  const run = useCallback(
    <T,>(action: () => Promise<ActionResult<T>>, onSuccess?: (result: ActionResult<T> & { ok: true }) => void) => {
      startTransition(async () => {
        // A redirect from the action is rethrown for Next to handle; a call that threw is a failure to show.
        const result = await callAction(action);
        // An action that redirected has navigated away and has nothing to report.
        if (!result) return;
        if (result.ok) {
          setFailure(undefined);
          onSuccess?.(result);
        } else {
          setFailure(result);
        }
      });
    },
    [],
  );

  const clear = useCallback(() => setFailure(undefined), []);
  return { pending, failure, run, clear };
}

/** The message to show above a form: field errors are shown at their fields instead. */
export function formLevelMessage(failure: ActionFailure | undefined, fieldNames: readonly string[]): string | undefined {
  if (!failure) return undefined;
  const fields = failure.fields ?? {};
  const shownAtField = Object.keys(fields).some((name) => fieldNames.includes(name));
  const unshown = Object.keys(fields).filter((name) => !fieldNames.includes(name));
  if (shownAtField && unshown.length === 0) return undefined;
  return failure.message;
}
