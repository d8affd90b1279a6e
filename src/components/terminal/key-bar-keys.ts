/**
 * The phone key bar's keys and the bytes each sends: what a real keyboard's key sends to a
 * terminal. Arrows depend on the cursor-keys mode the program asked for (DECCKM, `ESC[?1h`):
 * vi, less and readline in some setups expect `ESC O A` there, and `ESC [ A` otherwise.
 */

export type KeyBarKeyId = "esc" | "tab" | "ctrl-c" | "ctrl-d" | "up" | "down" | "left" | "right" | "enter";

export interface KeyBarKey {
  id: KeyBarKeyId;
  /** What the button shows. */
  label: string;
  /** Its accessible name (screen readers, tests). */
  name: string;
}

export const KEY_BAR_KEYS: readonly KeyBarKey[] = [
  { id: "esc", label: "Esc", name: "Esc" },
  { id: "tab", label: "Tab", name: "Tab" },
  { id: "ctrl-c", label: "^C", name: "Ctrl-C" },
  { id: "ctrl-d", label: "^D", name: "Ctrl-D" },
  { id: "left", label: "←", name: "Left" },
  { id: "up", label: "↑", name: "Up" },
  { id: "down", label: "↓", name: "Down" },
  { id: "right", label: "→", name: "Right" },
  { id: "enter", label: "⏎", name: "Enter" },
];

const ARROW_FINAL: Record<"up" | "down" | "right" | "left", string> = { up: "A", down: "B", right: "C", left: "D" };

export function keyBytes(id: KeyBarKeyId, modes: { applicationCursorKeys: boolean }): string {
  switch (id) {
    case "esc":
      return "\x1b";
    case "tab":
      return "\t";
    case "ctrl-c":
      return "\x03";
    case "ctrl-d":
      return "\x04";
    case "enter":
      return "\r";
    case "up":
    case "down":
    case "right":
    case "left":
      return `${modes.applicationCursorKeys ? "\x1bO" : "\x1b["}${ARROW_FINAL[id]}`;
  }
}
