/**
 * Anthropic's list prices for the Claude models Claude Code runs, in US dollars per million
 * tokens. Dated on purpose: prices change, and a cost is only as good as this table. To update
 * it, change the rows and PRICES_AS_OF together (docs/costs.md says how). A model that matches no
 * row gets no price — its tokens are shown and its cost is "unknown", never a guess.
 *
 * Cache writes: 5-minute writes cost 1.25× input, 1-hour writes 2× input; cache reads 0.1× input.
 * Long-context (>200k input) surcharges and batch discounts are not applied: Claude Code's
 * interactive runs use neither by default.
 */
export const PRICES_AS_OF = "2026-11-30";

export interface ModelPrice {
  /** A human name for the family, shown beside costs. */
  label: string;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

function price(label: string, input: number, output: number): ModelPrice {
  return { label, input, output, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2, cacheRead: input * 0.1 };
}

/**
 * Keyed by the model id without its date suffix (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`).
 * Exact keys only: `claude-opus-4` must not price `claude-opus-4-5`, which costs a third of it.
 */
const PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4-6": price("Opus 4.6", 5, 25),
  "claude-opus-4-5": price("Opus 4.5", 5, 25),
  "claude-opus-4-1": price("Opus 4.1", 15, 75),
  "claude-opus-4": price("Opus 4", 15, 75),
  "claude-3-opus": price("Opus 3", 15, 75),
  "claude-sonnet-4-6": price("Sonnet 4.6", 3, 15),
  "claude-sonnet-4-5": price("Sonnet 4.5", 3, 15),
  "claude-sonnet-4": price("Sonnet 4", 3, 15),
  "claude-3-7-sonnet": price("Sonnet 3.7", 3, 15),
  "claude-3-5-sonnet": price("Sonnet 3.5", 3, 15),
  "claude-haiku-4-5": price("Haiku 4.5", 1, 5),
  "claude-3-5-haiku": price("Haiku 3.5", 0.8, 4),
  "claude-3-haiku": price("Haiku 3", 0.25, 1.25),
};

/**
 * The table's key for a model id as Claude Code records it. Besides the API's ids it accepts the
 * forms of Bedrock (`us.anthropic.claude-…-v1:0`) and Vertex (`claude-…@20250929`), and a `[1m]`
 * context marker.
 */
export function modelKey(model: string): string {
  let key = model.trim().toLowerCase();
  key = key.replace(/\[[^\]]*\]$/, "");
  key = key.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, "");
  key = key.replace(/-v\d+(?::\d+)?$/, "");
  key = key.replace(/@\d{8}$/, "");
  key = key.replace(/-\d{8}$/, "");
  return key;
}

export function priceOf(model: string): ModelPrice | undefined {
  const key = modelKey(model);
  return Object.hasOwn(PRICES, key) ? PRICES[key] : undefined;
}
