import { describe, expect, it } from "vitest";
import { IDLE_RULES, isAtIdlePrompt, type ScreenView } from "./prompt-detect";

const aider = IDLE_RULES.aider!;
const opencode = IDLE_RULES.opencode!;

function screen(lines: string[], cursorRow = lines.length - 1, alternateScreen = false): ScreenView {
  return { lines, cursorRow, alternateScreen };
}

describe("aider's idle prompt", () => {
  it("is the cursor row starting with its prompt, in every chat mode", () => {
    for (const prompt of [">", "> ", "architect> ", "ask>", "code> ", "multi> ", "architect multi> "]) {
      expect(isAtIdlePrompt(aider, screen(["Aider v0.86.1", "Main model: x", "", prompt])), prompt).toBe(true);
    }
  });

  it("stays idle while the user types at it", () => {
    expect(isAtIdlePrompt(aider, screen(["> fix the tes"]))).toBe(true);
  });

  it("is not output that merely contains a >, nor a prompt scrolled above the cursor", () => {
    expect(isAtIdlePrompt(aider, screen(["Applied edit to a.ts", "if (a > b) {"]))).toBe(false);
    expect(isAtIdlePrompt(aider, screen(["> add tests", "Waiting for gpt-4o", ""]))).toBe(false);
    expect(isAtIdlePrompt(aider, screen(["> add tests", "Thinking..."], 1))).toBe(false);
    expect(isAtIdlePrompt(aider, screen([], 0))).toBe(false);
  });
});

describe("opencode's idle screen", () => {
  it("is its full-screen TUI without the busy footer", () => {
    expect(isAtIdlePrompt(opencode, screen(["  opencode", "", "  > ", "  enter send   ctrl+p commands"], 2, true))).toBe(true);
    expect(isAtIdlePrompt(opencode, screen(["  opencode", "  working…", "  esc interrupt"], 2, true))).toBe(false);
    expect(isAtIdlePrompt(opencode, screen(["$ opencode", "Error: something"], 1, false))).toBe(false);
  });
});

describe("Gemini CLI's idle screen", () => {
  const gemini = IDLE_RULES.gemini!;
  it("is its empty input box, not while it works", () => {
    expect(isAtIdlePrompt(gemini, screen([" Gemini CLI v0.61.0", "╭──╮", "│ >   Type your message or @path/to/file │", "╰──╯", " ~/p   no sandbox"], 4))).toBe(true);
    expect(isAtIdlePrompt(gemini, screen([" ⠏ Reading files (esc to cancel, 3s)", "│ >   Type your message or @path/to/file │"], 1))).toBe(false);
    expect(isAtIdlePrompt(gemini, screen([" How would you like to authenticate for this project?"], 0))).toBe(false);
  });
});
