import { describe, expect, it } from "vitest";
import { PlainRunTracker } from "./plain-run-tracker";

const ESC = "\x1b";

function runAfter(chunks: string[]): string {
  const tracker = new PlainRunTracker();
  let offset = 0;
  for (const chunk of chunks) {
    tracker.feed(chunk, offset);
    offset += chunk.length;
  }
  return JSON.stringify(tracker.run, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? "Infinity" : value));
}

describe("PlainRunTracker with the shared escape tokenizer", () => {
  const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}\r\n`).join("");
  const samples = [
    // A plain run: SGR (pen), EL, CHA between lines; marks every 64 line feeds.
    `${lines(70, "a")}${ESC}[1;32mgreen${ESC}[0m${ESC}[K${ESC}[3G\r\n${ESC}[38;5;120m${lines(70, "b")}`,
    // Runs ended by other sequences: a new one starts right after each.
    `${lines(3, "a")}${ESC}[2J${lines(3, "b")}${ESC}]0;title\x07${lines(3, "c")}${ESC}(B${ESC}7${lines(66, "d")}`,
    // A string ended by ESC [, a cancelled CSI, a control inside a CSI.
    `${ESC}]2;t${ESC}[1m${lines(2, "a")}${ESC}[12\x18${lines(2, "b")}${ESC}[1\n2m${lines(2, "c")}${ESC}[0m`,
  ];

  it("keeps the same run however the output is split in two, at every position", () => {
    for (const sample of samples) {
      const whole = runAfter([sample]);
      for (let cut = 0; cut <= sample.length; cut++) expect(runAfter([sample.slice(0, cut), sample.slice(cut)]), `cut at ${cut}`).toBe(whole);
    }
  });

  it("carries the pen through a split SGR", () => {
    const sgr = `${ESC}[0;1;38;2;10;20;30m`;
    for (let cut = 0; cut <= sgr.length; cut++) {
      const run = JSON.parse(runAfter(["x\r\n", sgr.slice(0, cut), `${sgr.slice(cut)}y\r\n`])) as { start: number; pen: string };
      expect(run.start).toBe(0);
      expect(run.pen).toBe(sgr);
    }
  });

  it("gives up on a CSI that stays open for more than 64 chars across chunks, and starts after it", () => {
    const long = `${ESC}[${"1;".repeat(40)}`;
    const run = JSON.parse(runAfter(["a\r\n", long, "1mb\r\n"])) as { start: number; pen: string };
    expect(run.start).toBe(3 + long.length + 2);
    expect(run.pen).toBe("");
  });
});
