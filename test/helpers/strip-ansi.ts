import { scanTerminal, type TerminalSink } from "../../src/lib/terminal-text/ansi-clean";

/**
 * A test tool, not product code: removes escape sequences, C1 controls and C0 controls other
 * than `\n`, `\r`, `\t`, `\b`, with no line editing (`\r` rewrites stay as they are). It walks the
 * output with the product's own tokenizer (`scanTerminal`), so it skips exactly what
 * `cleanTerminalText` skips; the ansi-clean tests use it as the reference for that.
 */
export function stripAnsi(raw: string): string {
  const sink = new StripSink();
  scanTerminal(raw, sink);
  return sink.out.join("");
}

const KEPT_CONTROLS: ReadonlyMap<number, string> = new Map([
  [0x0a, "\n"],
  [0x0d, "\r"],
  [0x09, "\t"],
  [0x08, "\b"],
]);

class StripSink implements TerminalSink {
  readonly out: string[] = [];

  text(raw: string, start: number, end: number): void {
    this.out.push(raw.slice(start, end));
  }

  control(code: number): void {
    const kept = KEPT_CONTROLS.get(code);
    if (kept !== undefined) this.out.push(kept);
  }

  csi(): void {}

  escape(): void {}
}
