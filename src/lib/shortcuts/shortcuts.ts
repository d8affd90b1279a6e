/**
 * The app's single-key shortcuts and when they apply. Pure: the keydown listener passes what it
 * knows about the event and the page, and gets the action (or nothing) back.
 */

export type ShortcutAction = "new-task" | "missions" | "board" | "settings" | "filter" | "theme" | "help";

export interface Shortcut {
  key: string;
  action: ShortcutAction;
  description: string;
}

/**
 * Set on <html> (value "ready") once the keys are listened for. A key pressed before the page's
 * script ran is lost, as on any page; what drives the page by script (the e2e tests) waits for it.
 */
export const SHORTCUTS_READY_ATTRIBUTE = "data-shortcuts";

export const SHORTCUTS: readonly Shortcut[] = [
  { key: "n", action: "new-task", description: "New task" },
  { key: "m", action: "missions", description: "Open Missions (every live terminal)" },
  { key: "b", action: "board", description: "Open the board" },
  { key: "s", action: "settings", description: "Open Settings" },
  { key: "/", action: "filter", description: "Filter the board or Missions" },
  { key: "t", action: "theme", description: "Switch between dark and light theme" },
  { key: "?", action: "help", description: "Show these shortcuts" },
];

/** Keys that work elsewhere, listed in the help dialog but not handled by the global listener. */
export const CONTEXT_KEYS: ReadonlyArray<{ keys: string; description: string }> = [
  {
    keys: "Ctrl+F / ⌘F",
    description:
      "In a terminal (task page, Missions tile, a run's replay): find in its output, scrollback included. Enter / Shift+Enter: next / previous match; Esc: close",
  },
  { keys: "Ctrl+Shift+F", description: "In a terminal: send Ctrl+F itself to the program (on macOS, Ctrl+F goes to the program as it is)" },
  { keys: "Esc", description: "Close a dialog or the terminal search, or collapse an expanded Missions tile (inside a terminal, Esc goes to the program)" },
  { keys: "Click", description: "Click a Missions tile to type into its terminal" },
];

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The event was already handled (e.g. by a terminal or a form control). */
  defaultPrevented: boolean;
  /** Focus is in a text field, a select, an editable element or a terminal. */
  typing: boolean;
  /** A modal dialog is open: keys belong to it. */
  dialogOpen: boolean;
}

export function shortcutFor(input: KeyInput): ShortcutAction | undefined {
  if (input.defaultPrevented || input.ctrlKey || input.metaKey || input.altKey || input.typing || input.dialogOpen) return undefined;
  // Shift is allowed: "?" is Shift+/ on most layouts, and the key value already reflects it.
  return SHORTCUTS.find((shortcut) => shortcut.key === input.key)?.action;
}

/** Is this element one where keys are text (inputs, editors, terminals)? */
export function isTypingTarget(element: Element | null): boolean {
  if (!element) return false;
  if (element.closest(".xterm")) return true;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (element as HTMLInputElement).type;
    return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file", "image"].includes(type);
  }
  return (element as HTMLElement).isContentEditable === true;
}
