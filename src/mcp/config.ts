import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the MCP server finds AI Manager, from its environment:
 * - AI_MANAGER_URL (default http://127.0.0.1:3000);
 * - AI_MANAGER_INTERNAL_TOKEN, else the token file the app writes on first start:
 *   `<AI_MANAGER_DATA_DIR>/internal-token`, the data dir defaulting to `data/` in this repository
 *   (a relative AI_MANAGER_DATA_DIR is taken relative to the repository too). The file is read at
 *   each call until found, so the app may be started after the MCP server;
 * - AI_MANAGER_TASK_ID: the task the tools act on when no taskId is given (set in task terminals).
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_URL = "http://127.0.0.1:3000";
const TOKEN_FILE = "internal-token";

export interface McpConfig {
  /** Origin of the app, without a trailing slash. */
  baseUrl: string;
  /** Set when AI_MANAGER_URL is not a usable http URL; every tool then reports it. */
  urlError?: string;
  defaultTaskId?: string;
  /** The token, or where to read it from. */
  token(): { ok: true; value: string } | { ok: false; message: string };
}

export function loadMcpConfig(env: NodeJS.ProcessEnv = process.env): McpConfig {
  const rawUrl = env.AI_MANAGER_URL?.trim() || DEFAULT_URL;
  let baseUrl = rawUrl.replace(/\/+$/, "");
  let urlError: string | undefined;
  try {
    const url = new URL(rawUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
    baseUrl = url.origin;
  } catch {
    urlError = `AI_MANAGER_URL="${rawUrl}" is not an http URL (e.g. ${DEFAULT_URL}).`;
  }
  const dataDir = path.resolve(REPO_ROOT, env.AI_MANAGER_DATA_DIR?.trim() || "data");
  const tokenFile = path.join(dataDir, TOKEN_FILE);
  const fromEnv = env.AI_MANAGER_INTERNAL_TOKEN?.trim();
  let cached: string | undefined = fromEnv || undefined;
  const taskId = env.AI_MANAGER_TASK_ID?.trim();
  return {
    baseUrl,
    urlError,
    defaultTaskId: taskId || undefined,
    token() {
      if (cached) return { ok: true, value: cached };
      try {
        const value = fs.readFileSync(tokenFile, "utf8").trim();
        if (value) {
          cached = value;
          return { ok: true, value };
        }
      } catch {
        // Not there (yet): the message below says how to provide it.
      }
      return {
        ok: false,
        message: `No internal token: set AI_MANAGER_INTERNAL_TOKEN, or start AI Manager once (npm start) so it writes ${tokenFile}.`,
      };
    },
  };
}
