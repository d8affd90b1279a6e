import { expect, type Locator } from "@playwright/test";

/**
 * What one xterm shows, read through its probe (src/terminal/client/terminal-probe.ts,
 * docs/rendering.md): the WebGL renderer paints on a canvas, so there are no DOM text rows to
 * read; the probe reads xterm's buffer, the same on both renderers.
 */
export class TerminalScreen {
  /** The element holding the xterm: it carries `data-renderer` and the probe. */
  readonly element: Locator;

  constructor(scope: Locator) {
    this.element = scope.locator("[data-renderer]");
  }

  /** The visible rows, right-trimmed, joined by "\n" (empty before the terminal has opened). */
  async text(): Promise<string> {
    return this.element.evaluate((element) => {
      const probe = (element as HTMLElement & { aiManagerProbe?: { screenText(): string } }).aiManagerProbe;
      return probe ? probe.screenText() : "";
    });
  }

  /** The whole buffer, scrollback included. */
  async bufferText(): Promise<string> {
    return this.element.evaluate((element) => {
      const probe = (element as HTMLElement & { aiManagerProbe?: { bufferText(): string } }).aiManagerProbe;
      return probe ? probe.bufferText() : "";
    });
  }

  /** "webgl" or "dom": what draws the terminal now. */
  async renderer(): Promise<string | null> {
    return this.element.getAttribute("data-renderer");
  }

  /** Waits until the visible rows show `expected` (a line wrapped by the terminal still matches). */
  async expectText(expected: string | RegExp): Promise<void> {
    await expect
      .poll(async () => { const text = await this.text(); return shows(text, expected) ? SHOWN : text; }, { message: `the terminal shows ${String(expected)}` })
      .toBe(SHOWN);
  }

  /** Waits until the visible rows do not show `unexpected`. */
  async expectNoText(unexpected: string | RegExp): Promise<void> {
    await expect
      .poll(async () => { const text = await this.text(); return shows(text, unexpected) ? text : NOT_SHOWN; }, { message: `the terminal does not show ${String(unexpected)}` })
      .toBe(NOT_SHOWN);
  }
}

const SHOWN = "(shown)";
const NOT_SHOWN = "(not shown)";

/**
 * Matches like Playwright's toContainText did on the DOM rows: a string with runs of whitespace
 * taken as one space; and, as the rows' text ran on from one row to the next, a line that the
 * terminal wrapped still matches (rows joined without a separator).
 */
function shows(screen: string, expected: string | RegExp): boolean {
  const rows = screen.split("\n");
  const forms = [rows.join("\n"), rows.join("")];
  if (expected instanceof RegExp) return forms.some((form) => new RegExp(expected.source, expected.flags.replace("g", "")).test(form));
  const needle = collapse(expected).trim();
  return forms.some((form) => collapse(form).includes(needle));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ");
}
