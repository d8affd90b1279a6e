import type { ITheme } from "@xterm/xterm";

/**
 * The xterm colours, read from the page's CSS variables (globals.css defines them per theme), so
 * terminals follow the app's theme: read at creation, and again whenever the theme changes.
 */
const ANSI_VARIABLES: Array<[keyof ITheme, string]> = [
  ["black", "--ansi-black"],
  ["red", "--ansi-red"],
  ["green", "--ansi-green"],
  ["yellow", "--ansi-yellow"],
  ["blue", "--ansi-blue"],
  ["magenta", "--ansi-magenta"],
  ["cyan", "--ansi-cyan"],
  ["white", "--ansi-white"],
  ["brightBlack", "--ansi-bright-black"],
  ["brightRed", "--ansi-bright-red"],
  ["brightGreen", "--ansi-bright-green"],
  ["brightYellow", "--ansi-bright-yellow"],
  ["brightBlue", "--ansi-bright-blue"],
  ["brightMagenta", "--ansi-bright-magenta"],
  ["brightCyan", "--ansi-bright-cyan"],
  ["brightWhite", "--ansi-bright-white"],
];

export function readTerminalTheme(): ITheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback?: string) => style.getPropertyValue(name).trim() || fallback;
  const theme: ITheme = {
    background: read("--terminal-bg", "#0b0e14"),
    foreground: read("--terminal-fg", "#d6deeb"),
    cursor: read("--terminal-cursor", "#d6deeb"),
    cursorAccent: read("--terminal-bg", "#0b0e14"),
    selectionBackground: read("--terminal-selection", "#33415588"),
  };
  for (const [key, variable] of ANSI_VARIABLES) {
    const value = read(variable);
    // Unset variables keep xterm's own palette.
    if (value) (theme as Record<string, string>)[key] = value;
  }
  return theme;
}

export const TERMINAL_FONT_FAMILY = 'ui-monospace, "SF Mono", "JetBrains Mono", "Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace';
