import fs from "node:fs";
import path from "node:path";
import { AppError } from "../../lib/errors";
import { HOOK_FORWARDER, MCP_ENTRY } from "../claude/claude-launch";
import { GEMINI_SETTINGS_FILE, makePrivateDir, OPENCODE_CONFIG_FILE, removeRunFiles, RUN_TMP_DIR, runDir, writePrivateJson } from "../claude/run-files";
import type { Logger } from "../logger";
import type { LaunchContext, TerminalServiceDeps } from "../terminals/terminal-service";
import { buildGeminiSettings, buildOpencodeConfig, codexOverrides, geminiSkipsSystemSettings } from "./agent-config";

type PrepareLaunch = NonNullable<TerminalServiceDeps["prepareLaunch"]>;

export interface AgentLaunchOptions {
  dataDir: string;
  internalToken: () => string;
  /** Claude Code's own wiring (src/server/claude/claude-launch.ts), used for claude profiles. */
  claude?: PrepareLaunch;
  node?: string;
  mcpEntry?: string;
  hookForwarder?: string;
  logger?: Logger;
  /** Why Gemini CLI would skip the run's settings file (default: its own path rule), or undefined. */
  geminiSkips?: (file: string) => string | undefined;
}

/**
 * opencode (a Bun binary) unpacks a 13.7 MB library into TMPDIR at every start and never removes
 * it: a day of agents left hundreds of MB in /tmp (RAM, where /tmp is a tmpfs). Its runs get a
 * TMPDIR of their own in the run's directory, removed with the run's files when the run ends —
 * unless the profile sets TMPDIR itself.
 */
function ownTmpDir(runDirectory: string, ctx: LaunchContext): Record<string, string> {
  if (ctx.profile.env?.TMPDIR) return {};
  const tmp = path.join(runDirectory, RUN_TMP_DIR);
  makePrivateDir(tmp);
  return { TMPDIR: tmp };
}

/**
 * The terminal service's `prepareLaunch` for every agent CLI: Claude Code through its own wiring,
 * Codex, Gemini CLI and opencode through agent-config.ts; Aider, shells and custom profiles run as
 * they are (their status comes from the screen, see screen-status.ts).
 */
export function createAgentLaunch(options: AgentLaunchOptions): PrepareLaunch {
  const node = options.node ?? process.execPath;
  const mcpEntry = options.mcpEntry ?? MCP_ENTRY;
  const hookForwarder = options.hookForwarder ?? HOOK_FORWARDER;
  const geminiSkips = options.geminiSkips ?? ((file: string) => geminiSkipsSystemSettings(file));

  const withRunDir = (ctx: LaunchContext, write: (dir: string) => { args: string[]; env: Record<string, string> }) => {
    const dir = runDir(options.dataDir, ctx.executionId);
    try {
      makePrivateDir(dir);
      return { ...write(dir), cleanup: () => removeRunFiles(dir) };
    } catch (error) {
      removeRunFiles(dir);
      options.logger?.error({ err: error, executionId: ctx.executionId }, "could not write an agent's run files");
      throw new AppError("internal:launch", `Could not write the ${ctx.profile.kind} configuration for this run under ${dir}: ${(error as Error).message}`);
    }
  };
  const mcpEnv = (ctx: LaunchContext) => ({
    AI_MANAGER_URL: new URL(ctx.callbackUrl).origin,
    AI_MANAGER_INTERNAL_TOKEN: options.internalToken(),
    AI_MANAGER_TASK_ID: ctx.task.id,
  });

  return (ctx: LaunchContext) => {
    switch (ctx.profile.kind) {
      case "claude":
        return options.claude ? options.claude(ctx) : { args: ctx.args, env: {} };
      case "codex":
        // Root options before the subcommand (`resume`) or the prompt; Codex applies them to both.
        return { args: [...codexOverrides({ node, hookForwarder, mcpEntry }), ...ctx.args], env: {} };
      case "gemini":
        return withRunDir(ctx, (dir): { args: string[]; env: Record<string, string> } => {
          const file = writePrivateJson(dir, GEMINI_SETTINGS_FILE, buildGeminiSettings({ node, hookForwarder, mcpEntry, callbackUrl: ctx.callbackUrl, mcpEnv: mcpEnv(ctx) }));
          const skipped = geminiSkips(file);
          if (skipped) {
            // Gemini would print a security warning and ignore it: start without; the screen tells the status.
            fs.rmSync(file, { force: true });
            options.logger?.warn({ executionId: ctx.executionId, reason: skipped }, "Gemini CLI would not read a settings file here; its run has no hooks or MCP server");
            return { args: ctx.args, env: {} };
          }
          return { args: ctx.args, env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: file } };
        });
      case "opencode":
        return withRunDir(ctx, (dir) => {
          const file = writePrivateJson(dir, OPENCODE_CONFIG_FILE, buildOpencodeConfig({ node, mcpEntry, mcpEnv: mcpEnv(ctx) }));
          return { args: ctx.args, env: { OPENCODE_CONFIG: file, ...ownTmpDir(dir, ctx) } };
        });
      default:
        return { args: ctx.args, env: {} };
    }
  };
}
