/**
 * What the other agent CLIs are started with, per run. Pure builders: no I/O here.
 *
 * - Codex CLI: `-c key=value` overrides (TOML values). `notify` runs bin/ai-manager-hook.mjs with
 *   the turn's JSON as its last argument; the MCP server gets this app's URL, token and task id
 *   by *name* (`env_vars`: Codex copies them from its own environment, the PTY's), so the token is
 *   never on a command line that `ps` shows.
 * - Gemini CLI: a settings file passed as its system settings (GEMINI_CLI_SYSTEM_SETTINGS_PATH),
 *   with command hooks and the MCP server. Gemini may redact variables from a hook's environment,
 *   so CALLBACK_URL is given in the hook's own `env`. Gemini reads such a file only from a
 *   root-owned, not group/other-writable path (geminiSkipsSystemSettings); elsewhere the run
 *   starts without it and its status is read from the screen.
 * - opencode: a config file (OPENCODE_CONFIG, merged over the user's) with the MCP server.
 * The files are 0600 in the run's private directory (they hold the callback secret and the token).
 */
import fs from "node:fs";
import path from "node:path";
import { MCP_SERVER_NAME, shellQuote } from "../claude/claude-settings";

/** Milliseconds Gemini CLI waits for a hook (its unit); the callback answers in milliseconds. */
export const GEMINI_HOOK_TIMEOUT_MS = 10_000;
/** Variables the MCP server needs; the terminal service puts them in every PTY's environment. */
export const MCP_ENV_NAMES = ["AI_MANAGER_URL", "AI_MANAGER_INTERNAL_TOKEN", "AI_MANAGER_TASK_ID"] as const;

/** A TOML basic string or array of them: JSON's string escapes are valid TOML. */
function toml(value: string | readonly string[]): string {
  return typeof value === "string" ? JSON.stringify(value) : `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
}

export function codexOverrides(options: { node: string; hookForwarder: string; mcpEntry: string }): string[] {
  const server = `mcp_servers.${MCP_SERVER_NAME}`;
  return [
    "-c",
    `notify=${toml([options.node, options.hookForwarder])}`,
    "-c",
    `${server}.command=${toml(options.node)}`,
    "-c",
    `${server}.args=${toml([options.mcpEntry])}`,
    "-c",
    `${server}.env_vars=${toml(MCP_ENV_NAMES)}`,
  ];
}

interface GeminiHook {
  type: "command";
  command: string;
  timeout: number;
  env: Record<string, string>;
}

export interface GeminiSettings {
  hooksConfig: { enabled: true };
  hooks: Record<"SessionStart" | "BeforeAgent" | "AfterAgent" | "Notification", Array<{ hooks: GeminiHook[] }>>;
  mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
}

export function buildGeminiSettings(options: {
  node: string;
  hookForwarder: string;
  mcpEntry: string;
  callbackUrl: string;
  mcpEnv: Record<string, string>;
}): GeminiSettings {
  const hook: GeminiHook = {
    type: "command",
    command: `${shellQuote(options.node)} ${shellQuote(options.hookForwarder)}`,
    timeout: GEMINI_HOOK_TIMEOUT_MS,
    env: { CALLBACK_URL: options.callbackUrl },
  };
  const on = () => [{ hooks: [hook] }];
  return {
    hooksConfig: { enabled: true },
    hooks: { SessionStart: on(), BeforeAgent: on(), AfterAgent: on(), Notification: on() },
    mcpServers: { [MCP_SERVER_NAME]: { command: options.node, args: [options.mcpEntry], env: options.mcpEnv } },
  };
}

export interface OpencodeConfig {
  $schema: string;
  mcp: Record<string, { type: "local"; command: string[]; environment: Record<string, string>; enabled: true }>;
}

export function buildOpencodeConfig(options: { node: string; mcpEntry: string; mcpEnv: Record<string, string> }): OpencodeConfig {
  return {
    $schema: "https://opencode.ai/config.json",
    mcp: { [MCP_SERVER_NAME]: { type: "local", command: [options.node, options.mcpEntry], environment: options.mcpEnv, enabled: true } },
  };
}

/**
 * Gemini CLI reads a system settings file only when it and every directory above it are owned by
 * root and writable by no group or other (its `isFileAndDirectorySecureSync`, checked in 0.61);
 * otherwise it skips the file with a warning. Returns why it would be skipped, or undefined.
 */
export function geminiSkipsSystemSettings(file: string, stat: (p: string) => { uid: number; mode: number } = fs.statSync): string | undefined {
  const GROUP_OR_OTHER_WRITE = 0o022;
  let current = path.resolve(file);
  for (;;) {
    let info: { uid: number; mode: number };
    try {
      info = stat(current);
    } catch (error) {
      return `${current}: ${(error as Error).message}`;
    }
    if (info.uid !== 0) return `${current} is not owned by root`;
    if ((info.mode & GROUP_OR_OTHER_WRITE) !== 0) return `${current} is writable by group or others`;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
