import type { InputMode } from "./terminal-schemas";

/**
 * How agent input becomes bytes for the PTY.
 *
 * - `line`: submits one line. A trailing `\n` or `\r\n` becomes `\r`, and `\r` is added when the
 *   text does not end with one: Enter is `\r` on a terminal, and it is what both a shell (in
 *   canonical mode `\r` is turned into a newline) and a raw-mode TUI take as "submit". Newlines
 *   inside the text are left alone; send multi-line text with `paste`.
 * - `raw`: exactly the given characters (`\x03` Ctrl-C, `\x1b` Esc, `\x1b[A` arrow up…).
 * - `paste`: bracketed paste `ESC[200~ text ESC[201~`, then Enter as a separate write after
 *   PASTE_ENTER_DELAY_MS. Agent TUIs (Claude Code) treat a `\r` arriving in the same read as the
 *   paste as part of it and do not submit. Paste markers inside the text are removed, so a text
 *   cannot end the paste early and have the rest taken as typed keys; one trailing newline is
 *   dropped because the Enter follows anyway.
 */
export const PASTE_START = "\u001b[200~";
export const PASTE_END = "\u001b[201~";
/** Long enough for a TUI to finish handling the paste, short enough not to slow an agent down. */
export const PASTE_ENTER_DELAY_MS = 150;

export interface InputPlan {
  /** Written at once. */
  first: string;
  /** Written after PASTE_ENTER_DELAY_MS (paste mode only). */
  then?: string;
}

export function planInput(input: string, mode: InputMode): InputPlan {
  switch (mode) {
    case "raw":
      return { first: input };
    case "line":
      return { first: asLine(input) };
    case "paste": {
      const text = input.split(PASTE_START).join("").split(PASTE_END).join("").replace(/\r?\n$/, "");
      return { first: `${PASTE_START}${text}${PASTE_END}`, then: "\r" };
    }
  }
}

function asLine(input: string): string {
  if (input.endsWith("\r\n")) return `${input.slice(0, -2)}\r`;
  if (input.endsWith("\n")) return `${input.slice(0, -1)}\r`;
  if (input.endsWith("\r")) return input;
  return `${input}\r`;
}

/**
 * What a terminal echoes of the input, as cleaned text compares it: its first line without trailing
 * blanks (later lines of a multi-line input echo behind continuation prompts). Undefined when the
 * input has no visible text.
 */
export function echoOf(input: string): string | undefined {
  const first = input.split(PASTE_START).join("").split(PASTE_END).join("").split(/\r?\n|\r/, 1)[0]!.trimEnd();
  return first === "" ? undefined : first;
}
