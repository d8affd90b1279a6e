import { describe, expect, it } from "vitest";
import { assistantLines, userLine } from "../../../test/helpers/claude-transcript";
import { modelKey, priceOf, PRICES_AS_OF } from "./model-prices";
import { runUsageOf } from "./run-usage";
import { applyTranscriptLine, emptyUsageState, RECENT_MESSAGES, type UsageState } from "./transcript-usage";
import { formatRunUsage, formatTokenCount, formatUsd } from "../../lib/format/run-usage";

const T0 = new Date("2026-12-01T10:00:00.000Z");
const later = (s: number) => new Date(T0.getTime() + s * 1000);

function feed(lines: string[], since = T0.getTime(), state: UsageState = emptyUsageState()): UsageState {
  for (const line of lines) applyTranscriptLine(state, line, since);
  return state;
}

describe("transcript usage (Claude Code JSONL)", () => {
  it("counts a response written as one line per content block once", () => {
    const state = feed([
      userLine("fix the tests", later(1)),
      ...assistantLines({ id: "msg_01A", model: "claude-sonnet-4-5-20250929", usage: { input: 10, output: 200, cacheWrite: 5_000, cacheRead: 12_000 }, at: later(2), blocks: ["thinking", "text", "tool_use"] }),
      ...assistantLines({ id: "msg_01B", model: "claude-sonnet-4-5-20250929", usage: { input: 3, output: 50, cacheRead: 17_000 }, at: later(5), blocks: ["text"] }),
    ]);
    expect(state.byModel).toEqual({
      "claude-sonnet-4-5-20250929": { input: 13, output: 250, cacheWrite: 5_000, cacheWrite1h: 0, cacheRead: 29_000, messages: 2 },
    });
  });

  it("a repeat with grown counts adds only the growth (streamed responses)", () => {
    const state = feed(
      assistantLines({ id: "msg_02", model: "claude-opus-4-5-20251101", usage: { input: 100, output: 0 }, at: later(1), blocks: ["thinking", "text", "tool_use"], outputPerLine: [1, 40, 90] }),
    );
    expect(state.byModel["claude-opus-4-5-20251101"]).toMatchObject({ input: 100, output: 90, messages: 1 });
  });

  it("keeps models apart and prices each; an unknown model keeps its tokens and makes the cost unknown", () => {
    const state = feed([
      ...assistantLines({ id: "msg_03", model: "claude-haiku-4-5-20251001", usage: { input: 1_000_000, output: 1_000_000 }, at: later(1) }),
      ...assistantLines({ id: "msg_04", model: "claude-sonnet-4-5-20250929", usage: { input: 0, output: 0, cacheWrite: 1_000_000, cacheWrite1h: 400_000, cacheRead: 1_000_000 }, at: later(2) }),
    ]);
    const known = runUsageOf(state.byModel, later(3));
    // Haiku 4.5: $1 in + $5 out; Sonnet 4.5: 600k×$3.75 + 400k×$6 + 1M×$0.30 per million.
    expect(known.costUsd).toBeCloseTo(6 + 2.25 + 2.4 + 0.3, 9);
    expect(known.totalTokens).toBe(4_000_000);
    expect(known.pricesAsOf).toBe(PRICES_AS_OF);

    feed(assistantLines({ id: "msg_05", model: "claude-mystery-9", usage: { input: 7, output: 3 }, at: later(4) }), T0.getTime(), state);
    const unknown = runUsageOf(state.byModel, later(5));
    expect(unknown.costUsd).toBeNull();
    expect(unknown.totalTokens).toBe(4_000_010);
    expect(unknown.models.find((m) => m.model === "claude-mystery-9")).toMatchObject({ input: 7, output: 3, costUsd: null, label: null });
    expect(formatRunUsage(unknown)).toBe("4M tokens · cost unknown");
  });

  it("skips garbage, other entry types, synthetic placeholders and history older than the run", () => {
    const state = emptyUsageState();
    const outcomes = [
      "not json at all",
      '{"type":"assistant","message":{"usage":', // cut short
      JSON.stringify({ type: "summary", summary: "usage review", leafUuid: "x" }),
      JSON.stringify({ type: "assistant", message: { model: "claude-sonnet-4-5", usage: { input_tokens: -5 } } }),
      JSON.stringify({ type: "assistant", message: { model: "__proto__", id: "msg_p", usage: { input_tokens: 5 } } }),
      ...assistantLines({ id: "msg_syn", model: "<synthetic>", usage: { input: 0, output: 0 }, at: later(1) }),
      ...assistantLines({ id: "msg_old", model: "claude-sonnet-4-5", usage: { input: 999, output: 999 }, at: new Date(T0.getTime() - 60_000) }),
      ...assistantLines({ id: "msg_new", model: "claude-sonnet-4-5", usage: { input: 1, output: 2 }, at: later(1) }),
    ].map((line) => applyTranscriptLine(state, line, T0.getTime()));
    expect(outcomes).toEqual(["ignored", "malformed", "ignored", "malformed", "malformed", "ignored", "ignored", "counted"]);
    expect(state.byModel).toEqual({ "claude-sonnet-4-5": { input: 1, output: 2, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, messages: 1 } });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("remembers a bounded window of responses", () => {
    const state = emptyUsageState();
    for (let i = 0; i < RECENT_MESSAGES * 2; i++) {
      feed(assistantLines({ id: `msg_${i}`, model: "claude-sonnet-4-5", usage: { input: 1, output: 1 }, at: later(i) }), T0.getTime(), state);
    }
    expect(state.recent).toHaveLength(RECENT_MESSAGES);
    expect(state.byModel["claude-sonnet-4-5"]?.messages).toBe(RECENT_MESSAGES * 2);
  });
});

describe("model prices", () => {
  it("reads the ids of the API, Bedrock and Vertex, and never prices a family by a near name", () => {
    expect(modelKey("claude-sonnet-4-5-20250929")).toBe("claude-sonnet-4-5");
    expect(modelKey("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("claude-sonnet-4-5");
    expect(modelKey("claude-opus-4-1@20250805")).toBe("claude-opus-4-1");
    expect(modelKey("claude-sonnet-4-5[1m]")).toBe("claude-sonnet-4-5");
    expect(priceOf("claude-opus-4-20250514")?.input).toBe(15);
    expect(priceOf("claude-opus-4-5-20251101")?.input).toBe(5);
    expect(priceOf("claude-opus-4-7")).toBeUndefined();
    expect(priceOf("gpt-5")).toBeUndefined();
  });

  it("formats tokens and dollars for the page", () => {
    expect([formatTokenCount(950), formatTokenCount(12_345), formatTokenCount(4_560_000), formatTokenCount(123_456)]).toEqual(["950", "12.3k", "4.6M", "123k"]);
    expect([formatUsd(0.4249), formatUsd(0.001), formatUsd(0), formatUsd(null)]).toEqual(["$0.42", "<$0.01", "$0.00", "cost unknown"]);
  });
});
