import type { Terminal as Xterm } from "@xterm/xterm";

/**
 * A read-only diagnostic view of one xterm in the page, hung on the element that holds it (the
 * element with `data-renderer`). The WebGL renderer paints on a canvas, so the screen has no DOM
 * text to read; the end-to-end tests and the browser bench read what a terminal shows through this
 * instead, the same way on both renderers. It reads xterm's buffer and never changes anything.
 * Documented in docs/rendering.md.
 */
export interface TerminalProbe {
  /** What draws the terminal now ("dom" after a fallback). */
  readonly renderer: "webgl" | "dom";
  /** The visible rows (the viewport, wherever it is scrolled), each right-trimmed, joined by "\n". */
  screenText(): string;
  /** The last `lines` lines of the whole buffer, scrollback included (default: all), joined by "\n". */
  bufferText(lines?: number): string;
  /** Called after xterm rendered rows (its onRender), on either renderer; returns the unsubscribe. */
  onRender(listener: () => void): () => void;
}

/** The property the probe is defined under on the terminal's element. */
export const PROBE_PROPERTY = "aiManagerProbe";

/**
 * Defines `element.aiManagerProbe` (non-enumerable: it never shows in a DOM dump or a React
 * prop diff) for `xterm`; the returned function removes it (call it before disposing the xterm).
 */
export function attachProbe(element: HTMLElement, xterm: Xterm, getRenderer: () => "webgl" | "dom"): () => void {
  const lineText = (index: number): string => xterm.buffer.active.getLine(index)?.translateToString(true) ?? "";
  const probe: TerminalProbe = {
    get renderer() {
      return getRenderer();
    },
    screenText() {
      const buffer = xterm.buffer.active;
      const rows: string[] = [];
      for (let row = 0; row < xterm.rows; row++) rows.push(lineText(buffer.viewportY + row));
      return rows.join("\n");
    },
    bufferText(lines?: number) {
      const length = xterm.buffer.active.length;
      const count = lines === undefined ? length : Math.max(0, Math.min(length, Math.floor(lines)));
      const rows: string[] = [];
      for (let index = length - count; index < length; index++) rows.push(lineText(index));
      return rows.join("\n");
    },
    onRender(listener: () => void) {
      const subscription = xterm.onRender(() => listener());
      return () => subscription.dispose();
    },
  };
  Object.defineProperty(element, PROBE_PROPERTY, { value: probe, configurable: true, enumerable: false, writable: false });
  return () => {
    if ((element as unknown as Record<string, unknown>)[PROBE_PROPERTY] === probe) Reflect.deleteProperty(element, PROBE_PROPERTY);
  };
}
