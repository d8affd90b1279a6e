import type { ProfileKind, PromptDelivery } from "./domain";

/**
 * The agent CLIs AI Manager knows by name: what their built-in profile runs, how a prompt reaches
 * them, how a run is resumed and how their status reaches the task. Client-safe (Settings shows
 * it). The command lines were checked against each CLI's own parser (docs/agent-clis.md).
 */

export const BUILTIN_AGENT_KINDS = ["claude", "codex", "gemini", "opencode", "aider"] as const;
export type BuiltinAgentKind = (typeof BUILTIN_AGENT_KINDS)[number];

/**
 * - `hooks`: the CLI runs hooks that POST to CALLBACK_URL (Claude Code, Gemini CLI);
 * - `notify`: the CLI runs a program at the end of each turn (Codex's `notify`);
 * - `screen`: no such mechanism; an idle prompt on the terminal's screen means "needs input".
 */
export type StatusMechanism = "hooks" | "notify" | "screen";

/**
 * - `id`: resumes the session id its hooks reported, and needs one;
 * - `id-or-last`: that id when known, otherwise the CLI's most recent session in the task's cwd;
 * - `last`: only "the last chat in this directory" exists.
 */
export type ResumeSupport = "id" | "id-or-last" | "last";

export interface AgentCliInfo {
  kind: BuiltinAgentKind;
  /** The profile's default name. */
  label: string;
  binary: string;
  /** How to install it, as a user would type it. */
  install: string;
  args: readonly string[];
  promptDelivery: PromptDelivery;
  status: StatusMechanism;
  resume: ResumeSupport;
  /** Whether this app's MCP server is offered to it. */
  mcp: boolean;
}

export const AGENT_CLIS: Record<BuiltinAgentKind, AgentCliInfo> = {
  claude: {
    kind: "claude",
    label: "Claude Code",
    binary: "claude",
    install: "npm install -g @anthropic-ai/claude-code",
    args: ["{prompt}"],
    promptDelivery: "args",
    status: "hooks",
    resume: "id",
    mcp: true,
  },
  codex: {
    kind: "codex",
    label: "Codex CLI",
    binary: "codex",
    install: "npm install -g @openai/codex",
    // `--` ends the options: a prompt that starts with "-" stays the prompt.
    args: ["--", "{prompt}"],
    promptDelivery: "args",
    status: "notify",
    resume: "id-or-last",
    mcp: true,
  },
  gemini: {
    kind: "gemini",
    label: "Gemini CLI",
    binary: "gemini",
    install: "npm install -g @google/gemini-cli",
    // Interactive with a first prompt; `=` keeps a prompt that starts with "-" the option's value.
    args: ["--prompt-interactive={prompt}"],
    promptDelivery: "args",
    status: "hooks",
    resume: "id-or-last",
    mcp: true,
  },
  opencode: {
    kind: "opencode",
    label: "opencode",
    binary: "opencode",
    install: "npm install -g opencode-ai",
    // opencode's positional argument is a project directory, not a prompt.
    args: ["--prompt={prompt}"],
    promptDelivery: "args",
    status: "screen",
    resume: "last",
    mcp: true,
  },
  aider: {
    kind: "aider",
    label: "Aider",
    binary: "aider",
    install: "python -m pip install aider-chat",
    // `--message` would answer once and exit; typed, the chat stays open.
    args: [],
    promptDelivery: "type",
    status: "screen",
    resume: "last",
    mcp: false,
  },
};

export function isBuiltinAgentKind(kind: ProfileKind | string): kind is BuiltinAgentKind {
  return (BUILTIN_AGENT_KINDS as readonly string[]).includes(kind);
}

/** Whether Resume can be offered: an id-only CLI needs a reported session id, the others a run before. */
export function canResumeWith(kind: ProfileKind, state: { sessionId: boolean; previousRun: boolean }): boolean {
  if (!isBuiltinAgentKind(kind)) return false;
  return AGENT_CLIS[kind].resume === "id" ? state.sessionId : state.previousRun;
}
