import type { ModelUsage, RunUsage } from "../../lib/format/run-usage";
import { PRICES_AS_OF, priceOf, type ModelPrice } from "./model-prices";
import type { TokenCounts } from "./transcript-usage";

const PER_MILLION = 1_000_000;

export function costOf(counts: TokenCounts, price: ModelPrice): number {
  const write5m = Math.max(0, counts.cacheWrite - counts.cacheWrite1h);
  return (
    (counts.input * price.input +
      counts.output * price.output +
      write5m * price.cacheWrite5m +
      counts.cacheWrite1h * price.cacheWrite1h +
      counts.cacheRead * price.cacheRead) /
    PER_MILLION
  );
}

/** Per-model counts → what is shown: totals, and a cost only when every model has a price. */
export function runUsageOf(byModel: Record<string, TokenCounts>, updatedAt: Date): RunUsage {
  const models: ModelUsage[] = Object.entries(byModel)
    .map(([model, c]) => {
      const price = priceOf(model);
      return {
        model,
        label: price?.label ?? null,
        input: c.input,
        output: c.output,
        cacheWrite: c.cacheWrite,
        cacheRead: c.cacheRead,
        messages: c.messages,
        costUsd: price ? costOf(c, price) : null,
      };
    })
    .sort((a, b) => b.input + b.output + b.cacheWrite + b.cacheRead - (a.input + a.output + a.cacheWrite + a.cacheRead));
  const sum = (pick: (m: ModelUsage) => number) => models.reduce((total, m) => total + pick(m), 0);
  const input = sum((m) => m.input);
  const output = sum((m) => m.output);
  const cacheWrite = sum((m) => m.cacheWrite);
  const cacheRead = sum((m) => m.cacheRead);
  const unknown = models.some((m) => m.costUsd === null);
  return {
    input,
    output,
    cacheWrite,
    cacheRead,
    totalTokens: input + output + cacheWrite + cacheRead,
    messages: sum((m) => m.messages),
    costUsd: unknown ? null : sum((m) => m.costUsd ?? 0),
    models,
    pricesAsOf: PRICES_AS_OF,
    updatedAt: updatedAt.toISOString(),
  };
}
