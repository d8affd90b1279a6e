import { z } from "zod";
import type { RecentMessageJson, TokenCountsJson } from "../db/schema";

/**
 * Token counts from Claude Code's transcript, one JSONL line at a time. Pure: the reader feeds
 * lines, this decides what they count for.
 *
 * What counts: `type: "assistant"` entries with `message.usage`, per `message.model`. Claude
 * writes one line per content block of a response (thinking, text, each tool_use), every one
 * with the same `message.id` and usage; a streaming response's later lines can carry larger
 * counts. So a response is counted once, and a repeat of its id adds only what grew. Entries
 * older than the run (history a resumed session carries) and Claude's `<synthetic>` placeholders
 * count for nothing. A line that is not JSON, or not this shape, is skipped.
 */
export type TokenCounts = TokenCountsJson;

export interface UsageState {
  byModel: Record<string, TokenCounts>;
  /** The last responses counted, newest last, so a repeat in a later read is recognised. */
  recent: RecentMessageJson[];
}

export type LineOutcome = "counted" | "repeat" | "ignored" | "malformed";

/** Repeats of a response are adjacent lines; a window this size also covers interleaved subagents. */
export const RECENT_MESSAGES = 64;
/** Lines without this text cannot be usage: skipped before JSON.parse (tool results can be MBs). */
const USAGE_MARK = '"usage"';

const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const count = z.number().int().nonnegative().max(1e12).optional();

const assistantEntrySchema = z.looseObject({
  type: z.literal("assistant"),
  timestamp: z.string().max(64).optional(),
  requestId: z.string().max(200).optional(),
  message: z.looseObject({
    id: z.string().min(1).max(200).optional(),
    // Model names become object keys: nothing that could reach Object.prototype.
    model: z
      .string()
      .regex(/^[A-Za-z0-9._:@[\]/<>-]{1,200}$/)
      .refine((name) => !RESERVED_KEYS.has(name)),
    usage: z.looseObject({
      input_tokens: count,
      output_tokens: count,
      cache_creation_input_tokens: count,
      cache_read_input_tokens: count,
      cache_creation: z
        .looseObject({ ephemeral_1h_input_tokens: count, ephemeral_5m_input_tokens: count })
        .nullable()
        .optional()
        .catch(undefined),
    }),
  }),
});

export function emptyCounts(): TokenCounts {
  return { input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, messages: 0 };
}

export function emptyUsageState(): UsageState {
  return { byModel: {}, recent: [] };
}

const FIELDS = ["input", "output", "cacheWrite", "cacheWrite1h", "cacheRead"] as const;

/** Applies one line to `state` (mutated). `since`: entries stamped before it (ms) are history. */
export function applyTranscriptLine(state: UsageState, line: string, since: number): LineOutcome {
  if (!line.includes(USAGE_MARK)) return "ignored";
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return "malformed";
  }
  if (typeof json !== "object" || json === null || (json as { type?: unknown }).type !== "assistant") return "ignored";
  const parsed = assistantEntrySchema.safeParse(json);
  if (!parsed.success) return "malformed";
  const entry = parsed.data;
  const { model, usage } = entry.message;
  if (model.startsWith("<")) return "ignored";
  if (entry.timestamp !== undefined) {
    const at = Date.parse(entry.timestamp);
    if (Number.isFinite(at) && at < since) return "ignored";
  }
  const counts: TokenCounts = {
    input: usage.input_tokens ?? 0,
    output: usage.output_tokens ?? 0,
    cacheWrite: usage.cache_creation_input_tokens ?? 0,
    cacheWrite1h: Math.min(usage.cache_creation?.ephemeral_1h_input_tokens ?? 0, usage.cache_creation_input_tokens ?? 0),
    cacheRead: usage.cache_read_input_tokens ?? 0,
    messages: 1,
  };
  const totals = (state.byModel[model] ??= emptyCounts());
  const id = entry.message.id;
  const seen = id === undefined ? undefined : state.recent.find((m) => m.id === id && m.model === model);
  if (seen) {
    // Only growth counts: the earlier line of this response was already added in full.
    for (const field of FIELDS) {
      const grown = counts[field] - seen.counted[field];
      if (grown > 0) {
        totals[field] += grown;
        seen.counted[field] = counts[field];
      }
    }
    return "repeat";
  }
  for (const field of FIELDS) totals[field] += counts[field];
  totals.messages += 1;
  if (id !== undefined) {
    state.recent.push({ id, model, counted: counts });
    if (state.recent.length > RECENT_MESSAGES) state.recent.splice(0, state.recent.length - RECENT_MESSAGES);
  }
  return "counted";
}

/** Sums per-model counts of several transcripts of one run. */
export function mergeByModel(parts: Iterable<Record<string, TokenCounts>>): Record<string, TokenCounts> {
  const merged: Record<string, TokenCounts> = {};
  for (const part of parts) {
    for (const [model, counts] of Object.entries(part)) {
      const into = (merged[model] ??= emptyCounts());
      for (const field of FIELDS) into[field] += counts[field];
      into.messages += counts.messages;
    }
  }
  return merged;
}
