import { PROMPT_PLACEHOLDER } from "../../lib/domain";
import type { CliProfile } from "../db/schema";

export interface LaunchPlan {
  command: string;
  args: string[];
  /** Typed into the terminal once it is ready (profiles that take the prompt as typed input). */
  initialInput: string | undefined;
}

/**
 * What to run for a task. `{prompt}` in an argument is replaced by the prompt; an argument that is
 * only `{prompt}` is left out when the prompt is empty, so the agent starts interactively.
 * Resume (Claude profiles) runs the same command with `--resume <sessionId>` instead of the prompt.
 */
export function buildLaunchPlan(profile: CliProfile, prompt: string, resumeSessionId?: string): LaunchPlan {
  const withoutPrompt = profile.args.filter((arg) => !arg.includes(PROMPT_PLACEHOLDER));
  if (resumeSessionId) {
    return { command: profile.command, args: [...withoutPrompt, "--resume", resumeSessionId], initialInput: undefined };
  }
  if (profile.promptDelivery === "type") {
    return {
      command: profile.command,
      args: withoutPrompt,
      initialInput: prompt.trim().length > 0 ? prompt : undefined,
    };
  }
  const args: string[] = [];
  for (const arg of profile.args) {
    if (arg === PROMPT_PLACEHOLDER && prompt.trim().length === 0) continue;
    args.push(arg.split(PROMPT_PLACEHOLDER).join(prompt));
  }
  return { command: profile.command, args, initialInput: undefined };
}

/**
 * Variables of the server's own process that must not leak into a task's terminal: they describe
 * this server (its port, its production mode, npm's run context), not the user's project.
 */
const SERVER_ONLY_ENV = /^(NODE_ENV|PORT|HOST|NEXT_[A-Z_]*|__NEXT_[A-Z_]*|TURBOPACK[A-Z_]*|AI_MANAGER_DATA_DIR|AI_MANAGER_AUTH|LOG_LEVEL|INIT_CWD|npm_.*|NODE_OPTIONS|TSX_[A-Z_]*)$/;

/** The PTY's environment: the server's env (minus its own settings) + the profile's + ours. */
export function buildSessionEnv(
  base: NodeJS.ProcessEnv,
  profileEnv: Record<string, string>,
  overrides: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !SERVER_ONLY_ENV.test(key)) env[key] = value;
  }
  Object.assign(env, profileEnv, overrides);
  env.TERM = "xterm-256color";
  env.COLORTERM = "truecolor";
  if (!env.LANG) env.LANG = "C.UTF-8";
  return env;
}
