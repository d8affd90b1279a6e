/**
 * Which keys inside a terminal belong to the search bar rather than the program. Pure: the xterm
 * key handler passes the event's fields and the platform, and gets the action (or nothing) back.
 *
 * Ctrl+F (Cmd+F on macOS) opens the search bar, as in browsers and editors. Programs read Ctrl+F
 * too (readline's forward-char, less and vi's page down), so Ctrl+Shift+F sends a literal Ctrl+F
 * to the program. On macOS Ctrl+F is not taken at all: Cmd+F is the search there.
 */

export type TerminalSearchKeyAction = "open-search" | "send-ctrl-f";

export interface SearchKeyInput {
  type: string;
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The byte a terminal sends for Ctrl+F (ASCII ACK). */
export const CTRL_F = "\x06";

export function searchKeyAction(input: SearchKeyInput, mac: boolean): TerminalSearchKeyAction | undefined {
  if (!isKeyF(input) || input.altKey) return undefined;
  if (mac) {
    // Cmd+F searches; Ctrl+F is the program's, as in Terminal.app and iTerm.
    return input.metaKey && !input.ctrlKey && !input.shiftKey ? "open-search" : undefined;
  }
  if (!input.ctrlKey || input.metaKey) return undefined;
  return input.shiftKey ? "send-ctrl-f" : "open-search";
}

/** The F key on any layout: `key` where it is a Latin letter, else the physical key (e.g. Cyrillic "а"). */
function isKeyF(input: SearchKeyInput): boolean {
  const key = input.key.toLowerCase();
  if (key === "f") return true;
  return !/^[a-z]$/.test(key) && input.code === "KeyF";
}

export function isMacPlatform(): boolean {
  if (typeof navigator === "undefined") return false;
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform;
  return /mac|iphone|ipad/i.test(platform);
}
