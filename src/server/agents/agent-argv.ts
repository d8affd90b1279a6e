import type { ProfileKind } from "../../lib/domain";

/**
 * The arguments that resume a run, per CLI, from the profile's arguments without the prompt.
 * Each shape was run through the real CLI's parser (test/integration/agent-cli-argv.test.ts):
 * - claude: `claude [options] --resume <id>`;
 * - codex: `codex resume [options] <id>` or `codex resume [options] --last` (a subcommand: the
 *   profile's options go after it, where `resume` accepts the same ones as the interactive CLI);
 * - gemini: `gemini [options] --resume <id|latest>`;
 * - opencode: `opencode [options] --session <id>` or `--continue` (its last session);
 * - aider: `aider [options] --restore-chat-history` (the chat history of the cwd).
 * Returns undefined for kinds that cannot resume (shell, custom), or an id-only CLI without an id.
 */
export function resumeArgs(kind: ProfileKind, baseArgs: readonly string[], sessionId: string | undefined): string[] | undefined {
  // A leftover `--` (codex's end of options before the prompt) would make the resume flags positional.
  const base = baseArgs.filter((arg) => arg !== "--");
  switch (kind) {
    case "claude":
      return sessionId ? [...base, "--resume", sessionId] : undefined;
    case "codex":
      return ["resume", ...base, ...(sessionId ? [sessionId] : ["--last"])];
    case "gemini":
      return [...base, "--resume", sessionId ?? "latest"];
    case "opencode":
      return sessionId ? [...base, "--session", sessionId] : [...base, "--continue"];
    case "aider":
      return [...base, "--restore-chat-history"];
    default:
      return undefined;
  }
}
