import { PROMPT_PLACEHOLDER } from "../../lib/domain";
import { AppError } from "../../lib/errors";
import type { CliProfile } from "../db/schema";
import { resumeArgs } from "../agents/agent-argv";

export interface LaunchPlan {
  command: string;
  args: string[];
  /** Typed into the terminal once it is ready (profiles that take the prompt as typed input). */
  initialInput: string | undefined;
}

/** A resumed run: the agent's session id when one was reported, else the CLI's "last session". */
export interface ResumeTarget {
  sessionId: string | undefined;
}

/**
 * What to run for a task. `{prompt}` in an argument is replaced by the prompt; an argument that is
 * only `{prompt}` (or `--option={prompt}`) is left out when the prompt is empty, so the agent
 * starts interactively. Resume runs the profile's command with its CLI's resume arguments
 * (agent-argv.ts) instead of the prompt.
 */
export function buildLaunchPlan(profile: CliProfile, prompt: string, resume?: ResumeTarget): LaunchPlan {
  const withoutPrompt = profile.args.filter((arg) => !arg.includes(PROMPT_PLACEHOLDER));
  if (resume) {
    const args = resumeArgs(profile.kind, withoutPrompt, resume.sessionId);
    if (!args) throw new AppError("bad_request:resume", `A "${profile.kind}" profile cannot resume a run${resume.sessionId ? "" : " without a session id"}.`);
    return { command: profile.command, args, initialInput: undefined };
  }
  if (profile.promptDelivery === "type") {
    return {
      command: profile.command,
      args: withoutPrompt,
      initialInput: prompt.trim().length > 0 ? prompt : undefined,
    };
  }
  const args: string[] = [];
  const empty = prompt.trim().length === 0;
  for (const arg of profile.args) {
    if (empty && (arg === PROMPT_PLACEHOLDER || OPTION_WITH_PROMPT.test(arg))) continue;
    args.push(arg.split(PROMPT_PLACEHOLDER).join(prompt));
  }
  return { command: profile.command, args, initialInput: undefined };
}

/** `--prompt={prompt}`: an option whose whole value is the prompt. */
const OPTION_WITH_PROMPT = /^--?[A-Za-z0-9][A-Za-z0-9-]*=\{prompt\}$/;

/**
 * Variables of the server's own process that must not leak into a task's terminal: they describe
 * this server (its port, its production mode, npm's run context), not the user's project.
 */
const SERVER_ONLY_ENV = /^(NODE_ENV|PORT|HOST|NEXT_[A-Z_]*|__NEXT_[A-Z_]*|TURBOPACK[A-Z_]*|AI_MANAGER_DATA_DIR|AI_MANAGER_AUTH|LOG_LEVEL|INIT_CWD|npm_.*|NODE_OPTIONS|TSX_[A-Z_]*)$/;

/**
 * Besides npm_* and PATH (scripts/npm-run-path.mjs), `npm start` puts three variables of its own
 * into the server's environment: NODE (its node binary) and COLOR (its colour setting), always,
 * and EDITOR (its `editor` setting: EDITOR, else VISUAL, else vi). A task's terminal should behave
 * as the shell `npm start` was typed in: git, crontab or an agent's "open in editor" would
 * otherwise see an EDITOR=vi the user never chose. An EDITOR that is not npm's made-up `vi` is
 * the user's own (npm copied it) and stays.
 */
function addedByNpmRun(key: string, value: string, base: NodeJS.ProcessEnv): boolean {
  if (!base.npm_lifecycle_event) return false;
  if (key === "NODE" || key === "COLOR") return true;
  return key === "EDITOR" && value === "vi" && !base.VISUAL;
}

/** The PTY's environment: the server's env (minus its own settings and npm's) + the profile's + ours. */
export function buildSessionEnv(
  base: NodeJS.ProcessEnv,
  profileEnv: Record<string, string>,
  overrides: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !SERVER_ONLY_ENV.test(key) && !addedByNpmRun(key, value, base)) env[key] = value;
  }
  Object.assign(env, profileEnv, overrides);
  env.TERM = "xterm-256color";
  env.COLORTERM = "truecolor";
  if (!env.LANG) env.LANG = "C.UTF-8";
  return env;
}
