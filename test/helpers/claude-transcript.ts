import { randomUUID } from "node:crypto";

/**
 * Lines in the shape Claude Code writes its session transcripts (~/.claude/projects/…/<session>.jsonl):
 * one JSON object a line, user and assistant entries with uuid/parentUuid/sessionId/timestamp, and
 * one assistant line per content block of a response, each repeating `message.id`, `requestId`
 * and the response's `usage`.
 */
export interface UsageNumbers {
  input: number;
  output: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
}

const SESSION = "5f0c2a8e-1111-4d2b-9a55-0c9f7d1e2a3b";
/** The fields every entry of one session repeats. */
const ENVELOPE = { isSidechain: false, userType: "external", cwd: "/home/dev/project", sessionId: SESSION, version: "2.0.76", gitBranch: "main" };

export function userLine(text: string, at: Date): string {
  return JSON.stringify({
    parentUuid: null,
    ...ENVELOPE,
    type: "user",
    message: { role: "user", content: text },
    uuid: randomUUID(),
    timestamp: at.toISOString(),
  });
}

/** The lines of one response: one per block (e.g. ["thinking", "text", "tool_use"]), same id and usage. */
export function assistantLines(options: {
  id: string;
  model: string;
  usage: UsageNumbers;
  at: Date;
  blocks?: Array<"thinking" | "text" | "tool_use">;
  /** Later lines of a streamed response can carry grown output counts. */
  outputPerLine?: number[];
}): string[] {
  const blocks = options.blocks ?? ["text"];
  return blocks.map((block, i) =>
    JSON.stringify({
      parentUuid: randomUUID(),
      ...ENVELOPE,
      message: {
        model: options.model,
        id: options.id,
        type: "message",
        role: "assistant",
        content: [content(block, i)],
        stop_reason: i === blocks.length - 1 ? "end_turn" : null,
        stop_sequence: null,
        usage: {
          input_tokens: options.usage.input,
          cache_creation_input_tokens: options.usage.cacheWrite ?? 0,
          cache_read_input_tokens: options.usage.cacheRead ?? 0,
          cache_creation: {
            ephemeral_5m_input_tokens: (options.usage.cacheWrite ?? 0) - (options.usage.cacheWrite1h ?? 0),
            ephemeral_1h_input_tokens: options.usage.cacheWrite1h ?? 0,
          },
          output_tokens: options.outputPerLine?.[i] ?? options.usage.output,
          service_tier: "standard",
        },
      },
      requestId: `req_${options.id.slice(4)}`,
      type: "assistant",
      uuid: randomUUID(),
      timestamp: options.at.toISOString(),
    }),
  );
}

function content(block: "thinking" | "text" | "tool_use", i: number): Record<string, unknown> {
  switch (block) {
    case "thinking":
      return { type: "thinking", thinking: "Let me look at the usage figures.", signature: "c2lnbmF0dXJl" };
    case "tool_use":
      return { type: "tool_use", id: `toolu_0${i}`, name: "Bash", input: { command: "ls", description: "List files" } };
    default:
      return { type: "text", text: "Done: the tests pass." };
  }
}

export function jsonl(lines: string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}
