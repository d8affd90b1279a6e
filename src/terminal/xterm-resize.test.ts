import headless from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { resizeTerminal } from "./xterm-resize";

const { Terminal } = headless;

function write(terminal: InstanceType<typeof Terminal>, data: string): Promise<void> {
  return new Promise((resolve) => terminal.write(data, resolve));
}

function screen(terminal: InstanceType<typeof Terminal>): string[] {
  const buffer = terminal.buffer.active;
  return Array.from({ length: terminal.rows }, (_, row) => buffer.getLine(buffer.baseY + row)!.translateToString(true));
}

describe("resizeTerminal", () => {
  // 20 lines of 25 chars at 30 columns fill a 3-row screen and 5 lines of scrollback; at 10
  // columns each line needs 3 rows and the topmost ones no longer fit.
  const output = Array.from({ length: 20 }, (_, i) => `${i}:${"abcdefghijklmnopqrstuvwxyz"}`.slice(0, 25)).join("\r\n") + "\r\n$ ";

  it("keeps the prompt on the screen when narrowing a terminal whose scrollback is full", async () => {
    const terminal = new Terminal({ cols: 30, rows: 3, scrollback: 5, allowProposedApi: true });
    await write(terminal, output);
    resizeTerminal(terminal, 10, 3);
    expect(screen(terminal)).toEqual(["hijklmnopq", "rstuv", "$ "]);
    expect(terminal.buffer.active.cursorX).toBe(2);
    // The scrollback is as long as before: no line of it was given up for the fix.
    expect(terminal.options.scrollback).toBe(5);
    expect(terminal.buffer.active.length).toBe(8);
    terminal.dispose();
  });

  it("is needed: xterm's own resize puts a scrollback line where the prompt was", async () => {
    // Guards the premise: when a new xterm fixes its reflow, this fails and resizeTerminal can go.
    const terminal = new Terminal({ cols: 30, rows: 3, scrollback: 5, allowProposedApi: true });
    await write(terminal, output);
    terminal.resize(10, 3);
    expect(screen(terminal)[2]).not.toBe("$ ");
    terminal.dispose();
  });

  it("widens and changes rows as xterm does", async () => {
    const terminal = new Terminal({ cols: 10, rows: 3, scrollback: 5, allowProposedApi: true });
    await write(terminal, "0123456789abcde\r\n$ ");
    resizeTerminal(terminal, 20, 4);
    expect([terminal.cols, terminal.rows]).toEqual([20, 4]);
    expect(screen(terminal)).toEqual(["0123456789abcde", "$ ", "", ""]);
    terminal.dispose();
  });
});
