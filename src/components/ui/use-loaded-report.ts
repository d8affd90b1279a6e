"use client";

import { useEffect, useState } from "react";
import { thrownActionFailure } from "@/lib/client/action-call";
import type { ActionResult } from "@/lib/errors";

/**
 * A dialog's report from the server, asked for again each time `request` becomes non-null (the
 * dialog opens) or changes; null while closed. `load` must be stable (a server action is).
 */
export function useLoadedReport<T>(request: string | null, load: (request: string) => Promise<ActionResult<T>>): { report: T | null; loadError: string | null } {
  const [report, setReport] = useState<T | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (request === null) return;
    let cancelled = false;
    setReport(null);
    setLoadError(null);
    load(request)
      .then((result) => {
        if (cancelled) return;
        if (result.ok) setReport(result.data as T);
        else setLoadError(result.message);
      })
      .catch((error: unknown) => !cancelled && setLoadError(thrownActionFailure(error).message));
    return () => {
      cancelled = true;
    };
  }, [request, load]);
  return { report, loadError };
}
