/** What `resizeTerminal` needs of a terminal: the browser's `@xterm/xterm` and `@xterm/headless` both fit. */
export interface ResizableTerminal {
  readonly cols: number;
  readonly rows: number;
  readonly options: { scrollback?: number };
  resize(cols: number, rows: number): void;
}

/**
 * Resizes an xterm.js terminal (6.0.0) without its reflow overwriting a line.
 *
 * xterm keeps the buffer's lines in a ring whose first slot moves on at every scroll once the
 * scrollback is full. Reflowing to fewer columns rebuilds the ring from the bottom up, and when
 * the wrapped lines no longer fit, the new lines of the topmost wrapped line that is cut off
 * are stored at negative positions: with the ring's start at slot 0 they land outside it, but with
 * any other start (after enough output, always) they overwrite lines at the bottom of the buffer —
 * the prompt on the screen turns into a piece of some line from the scrollback's top. Changing
 * the scrollback length rebuilds the ring from slot 0; setting it back keeps every line (the
 * buffer holds no more than the old length). That is cheap (one array copy of the buffer's line
 * references) and only needed when the width shrinks.
 */
export function resizeTerminal(terminal: ResizableTerminal, cols: number, rows: number): void {
  if (cols < terminal.cols) {
    const scrollback = terminal.options.scrollback ?? 1000;
    terminal.options.scrollback = scrollback + 1;
    terminal.options.scrollback = scrollback;
  }
  terminal.resize(cols, rows);
}
