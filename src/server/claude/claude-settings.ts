/**
 * The per-run files Claude Code is started with. Pure builders: no I/O here.
 *
 * Settings (`--settings <file>`): hooks that report to this run's CALLBACK_URL.
 * - `UserPromptSubmit`, `Notification`, `Stop`: `"type": "http"` hooks — Claude POSTs the hook's
 *   JSON (with `hook_event_name` and `session_id`) to the URL and waits for the answer.
 * - `SessionStart`: Claude Code skips http hooks on this event, so a `"type": "command"` hook runs
 *   bin/ai-manager-hook.mjs, which POSTs the same JSON to $CALLBACK_URL. The http hook is listed
 *   too, for versions that accept it; a second identical report changes nothing.
 * No matcher: every notification type and every session source is reported (the callback
 * decides what each means).
 *
 * MCP config (`--mcp-config <file>`): this app's MCP server under the name `ai-manager`, with
 * the URL, token and task id in its env so its tools default to this task.
 */

/** Seconds Claude waits for a hook; the callback answers in milliseconds, this only bounds a hung app. */
export const HOOK_TIMEOUT_SECONDS = 10;
export const MCP_SERVER_NAME = "ai-manager";

type HookHandler = { type: "http"; url: string; timeout: number } | { type: "command"; command: string; timeout: number };

export interface ClaudeSettings {
  hooks: Record<"SessionStart" | "UserPromptSubmit" | "Notification" | "Stop", Array<{ hooks: HookHandler[] }>>;
}

export function buildClaudeSettings(callbackUrl: string, sessionStartCommand: string): ClaudeSettings {
  const http: HookHandler = { type: "http", url: callbackUrl, timeout: HOOK_TIMEOUT_SECONDS };
  const command: HookHandler = { type: "command", command: sessionStartCommand, timeout: HOOK_TIMEOUT_SECONDS };
  return {
    hooks: {
      SessionStart: [{ hooks: [command, http] }],
      UserPromptSubmit: [{ hooks: [http] }],
      Notification: [{ hooks: [http] }],
      Stop: [{ hooks: [http] }],
    },
  };
}

export interface McpConfig {
  mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
}

export function buildMcpConfig(options: { node: string; entry: string; env: Record<string, string> }): McpConfig {
  return { mcpServers: { [MCP_SERVER_NAME]: { command: options.node, args: [options.entry], env: options.env } } };
}

/** `'a b'` → a single shell word; hook commands are run by a shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
