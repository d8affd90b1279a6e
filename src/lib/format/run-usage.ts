/**
 * What a run's agent spent, as pages, the status API and MCP show it. Shared by server and
 * browser: the type is the payload of the `execution.usage` event and of the status view.
 */
export interface ModelUsage {
  model: string;
  /** The price table's name for it; null: no price known. */
  label: string | null;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  messages: number;
  /** US dollars; null when the model is not in the price table. */
  costUsd: number | null;
}

export interface RunUsage {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** All four counts together. */
  totalTokens: number;
  /** Assistant messages counted (each API response once). */
  messages: number;
  /** US dollars; null when any model used has no price ("unknown", never a guess). */
  costUsd: number | null;
  models: ModelUsage[];
  /** The date of the price table the cost comes from. */
  pricesAsOf: string;
  /** When the transcript was last read (ISO). */
  updatedAt: string;
}

/** "950", "12.3k", "4.5M". */
export function formatTokenCount(tokens: number): string {
  if (!Number.isFinite(tokens) || tokens < 0) return "—";
  if (tokens < 1_000) return String(Math.round(tokens));
  if (tokens < 1_000_000) return `${trim(tokens / 1_000)}k`;
  return `${trim(tokens / 1_000_000)}M`;
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : (Math.round(value * 10) / 10).toString();
}

/** "$0.42", "$12.30", "<$0.01", "cost unknown". */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return "cost unknown";
  if (usd > 0 && usd < 0.01) return "<$0.01";
  return `$${usd.toFixed(2)}`;
}

/** "12.3k tokens · $0.42" */
export function formatRunUsage(usage: RunUsage): string {
  return `${formatTokenCount(usage.totalTokens)} tokens · ${formatUsd(usage.costUsd)}`;
}

/** A multi-line breakdown for a tooltip: per model, what was counted and what it cost. */
export function describeRunUsage(usage: RunUsage): string {
  const lines = usage.models.map(
    (m) =>
      `${m.label ?? m.model}: ${formatTokenCount(m.input)} in, ${formatTokenCount(m.output)} out, ` +
      `${formatTokenCount(m.cacheWrite)} cache write, ${formatTokenCount(m.cacheRead)} cache read — ${formatUsd(m.costUsd)}`,
  );
  lines.push(`${usage.messages} responses; prices as of ${usage.pricesAsOf}`);
  return lines.join("\n");
}
