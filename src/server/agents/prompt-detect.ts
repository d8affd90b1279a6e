import type { ProfileKind } from "../../lib/domain";

/**
 * "Is this agent waiting at its prompt?", read from its screen once output has gone quiet — for
 * CLIs that have no hook or notify program to say so. Pure: a screen in, a verdict out.
 */

export interface ScreenView {
  /** The whole visible screen, one string per row (trailing spaces trimmed). */
  lines: readonly string[];
  /** Cursor row within `lines`. */
  cursorRow: number;
  alternateScreen: boolean;
}

export interface IdleRule {
  /** The cursor's row starts with the CLI's input prompt. */
  cursorLine?: RegExp;
  /** Shown only while the agent works: its presence anywhere on screen means "not idle". */
  busy?: RegExp;
  /** A full-screen TUI: its input box is always drawn, so "quiet and not busy" is the signal. */
  fullScreen?: boolean;
  /** Shown only while the agent waits for a message (an input box's placeholder). */
  idleText?: RegExp;
}

export const IDLE_RULES: Partial<Record<ProfileKind, IdleRule>> = {
  // Aider's prompt_toolkit prompt: `> `, or the chat mode's name before it (`architect> `,
  // `ask> `, `code> `), `multi> ` in multi-line mode. Text the user began typing follows it.
  aider: { cursorLine: /^(?:[a-z][a-z-]*(?: multi)?|multi)?> ?/ },
  // Gemini CLI's input box shows this placeholder while empty, and "(esc to cancel, 3s)" while it
  // works. Its hooks report too when they can be installed (agent-config.ts); this covers the rest.
  gemini: { idleText: /Type your message or @path\/to\/file/, busy: /\(esc to cancel\b/ },
  // opencode's TUI shows "esc interrupt" in its footer while a turn runs.
  opencode: { fullScreen: true, busy: /\besc\b.{0,4}\binterrupt/i },
};

export function idleRuleFor(kind: ProfileKind): IdleRule | undefined {
  return IDLE_RULES[kind];
}

export function isAtIdlePrompt(rule: IdleRule, screen: ScreenView): boolean {
  if (rule.busy && screen.lines.some((line) => rule.busy!.test(line))) return false;
  if (rule.idleText) return screen.lines.some((line) => rule.idleText!.test(line));
  if (rule.fullScreen) return screen.alternateScreen;
  if (!rule.cursorLine) return false;
  const row = screen.lines[screen.cursorRow] ?? "";
  return rule.cursorLine.test(row);
}
