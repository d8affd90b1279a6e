"use client";

import { useState } from "react";
import { useAppEvents } from "@/lib/client/app-events-client";
import { describeRunUsage, formatRunUsage, formatTokenCount, formatUsd, type RunUsage } from "@/lib/format/run-usage";

/**
 * A run's tokens and cost ("12.3k tokens · $0.42"), kept current from the `execution.usage`
 * events while the run goes; the breakdown per model is in its tooltip. `compact`: the cost
 * alone when it is known (a Missions tile has little room), else the tokens.
 */
export function RunUsageLabel({
  executionId,
  initial,
  compact = false,
  empty = null,
}: {
  executionId: string;
  initial: RunUsage | null;
  compact?: boolean;
  /** Shown while nothing was counted. */
  empty?: React.ReactNode;
}) {
  const [usage, setUsage] = useState<RunUsage | null>(initial);
  useAppEvents((event) => {
    if (event.type === "execution.usage" && event.executionId === executionId) setUsage(event.usage);
  });
  const current = newer(usage, initial);
  if (!current) return <>{empty}</>;
  const text = compact ? (current.costUsd !== null ? formatUsd(current.costUsd) : `${formatTokenCount(current.totalTokens)} tok`) : formatRunUsage(current);
  return (
    <span className="mono" data-testid="run-usage" title={`${formatRunUsage(current)}\n${describeRunUsage(current)}`}>
      {text}
    </span>
  );
}

/** A server re-render can bring a newer reading than the last event, or an older one. */
function newer(a: RunUsage | null, b: RunUsage | null): RunUsage | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a;
}
