"use client";

import { useState } from "react";
import { useAppEvents } from "@/lib/client/app-events-client";
import { formatTokenCount, formatUsd, type RunUsage } from "@/lib/format/run-usage";

/**
 * What all of a task's runs spent together ("1.2M tokens · $4.10 over 3 runs"), kept current
 * from the `execution.usage` events of its runs. The cost is unknown when any run's is.
 */
export function TaskUsageTotal({ taskId, initial }: { taskId: string; initial: Record<string, RunUsage> }) {
  const [byRun, setByRun] = useState<Record<string, RunUsage>>(initial);
  useAppEvents((event) => {
    if (event.type === "execution.usage" && event.taskId === taskId) setByRun((current) => ({ ...current, [event.executionId]: event.usage }));
  });
  // A server re-render may know runs (or newer readings) that no event brought here.
  const merged: Record<string, RunUsage> = { ...byRun };
  for (const [id, usage] of Object.entries(initial)) {
    const mine = merged[id];
    if (!mine || Date.parse(usage.updatedAt) > Date.parse(mine.updatedAt)) merged[id] = usage;
  }
  const runs = Object.values(merged);
  if (runs.length === 0) return <>—</>;
  const tokens = runs.reduce((sum, u) => sum + u.totalTokens, 0);
  const cost = runs.some((u) => u.costUsd === null) ? null : runs.reduce((sum, u) => sum + (u.costUsd ?? 0), 0);
  return (
    <span data-testid="task-usage">
      {formatTokenCount(tokens)} tokens · {formatUsd(cost)}
      {runs.length > 1 ? <span className="faint"> over {runs.length} runs</span> : null}
    </span>
  );
}
