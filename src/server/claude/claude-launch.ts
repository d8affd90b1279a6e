import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../../lib/errors";
import type { Logger } from "../logger";
import type { LaunchContext, TerminalServiceDeps } from "../terminals/terminal-service";
import { buildClaudeSettings, buildMcpConfig, shellQuote } from "./claude-settings";
import { makePrivateDir, MCP_CONFIG_FILE, removeRunFiles, runDir, SETTINGS_FILE, sweepRunFiles, writePrivateJson } from "./run-files";

type PrepareLaunch = NonNullable<TerminalServiceDeps["prepareLaunch"]>;

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The MCP server's launcher; it finds the sources relative to itself, so any cwd works. */
export const MCP_ENTRY = path.join(REPO_ROOT, "bin", "ai-manager-mcp.mjs");
/** Forwards SessionStart hooks (see claude-settings.ts). */
export const HOOK_FORWARDER = path.join(REPO_ROOT, "bin", "ai-manager-hook.mjs");

export interface ClaudeLaunchOptions {
  dataDir: string;
  /** The token the MCP server presents; read at launch (the services create it). */
  internalToken: () => string;
  /** The Node binary for the MCP server and the hook forwarder: the one running this server. */
  node?: string;
  mcpEntry?: string;
  hookForwarder?: string;
  logger?: Logger;
  /** Runs still alive in the terminal host (their files stay until they end). */
  liveRuns?: ReadonlySet<string>;
}

/** Removes a run's Claude files; for runs that outlived the app server that launched them. */
export function removeClaudeRunFiles(dataDir: string, executionId: string): void {
  removeRunFiles(runDir(dataDir, executionId));
}

/**
 * Claude Code wiring, as the terminal service's `prepareLaunch` hook: for profiles of kind
 * `claude`, writes the run's settings (hooks → CALLBACK_URL) and MCP config (this app's MCP
 * server) and puts `--mcp-config <file> --settings <file>` before the profile's arguments.
 * `--mcp-config` takes several values, so `--settings` right after it ends the list before the
 * prompt could be taken for another config. Other profiles are launched unchanged.
 * The files are removed when the run ends (the cleanup the terminal service calls on exit).
 */
export function createClaudeLaunch(options: ClaudeLaunchOptions): PrepareLaunch {
  const node = options.node ?? process.execPath;
  const mcpEntry = options.mcpEntry ?? MCP_ENTRY;
  const hookCommand = `${shellQuote(node)} ${shellQuote(options.hookForwarder ?? HOOK_FORWARDER)}`;
  sweepRunFiles(options.dataDir, options.liveRuns);

  return (ctx: LaunchContext) => {
    if (ctx.profile.kind !== "claude") return { args: ctx.args, env: {} };
    const dir = runDir(options.dataDir, ctx.executionId);
    try {
      makePrivateDir(dir);
      const settingsFile = writePrivateJson(dir, SETTINGS_FILE, buildClaudeSettings(ctx.callbackUrl, hookCommand));
      const mcpFile = writePrivateJson(
        dir,
        MCP_CONFIG_FILE,
        buildMcpConfig({
          node,
          entry: mcpEntry,
          env: {
            AI_MANAGER_URL: new URL(ctx.callbackUrl).origin,
            AI_MANAGER_INTERNAL_TOKEN: options.internalToken(),
            AI_MANAGER_TASK_ID: ctx.task.id,
          },
        }),
      );
      return {
        args: ["--mcp-config", mcpFile, "--settings", settingsFile, ...ctx.args],
        env: {},
        cleanup: () => removeRunFiles(dir),
      };
    } catch (error) {
      removeRunFiles(dir);
      options.logger?.error({ err: error, executionId: ctx.executionId }, "could not write Claude's run files");
      throw new AppError("internal:launch", `Could not write Claude Code's settings for this run under ${dir}: ${(error as Error).message}`);
    }
  };
}
