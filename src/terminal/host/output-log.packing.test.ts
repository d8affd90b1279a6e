import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputLog } from "./output-log";

/**
 * Lines are packed into large strings as they age (see PACK_CHARS in output-log.ts). Reads must
 * not see it: compared with a plain array of every line, evicted by the same rules, across many
 * block boundaries and evictions, for rings smaller and larger than a block.
 */
describe("OutputLog line packing", () => {
  it("reads every kept line exactly as a plain array of lines would, however lines are packed and evicted", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 1_000, 5_000),
        fc.constantFrom(50_000, 400_000, 16 * 1024 * 1024),
        fc.array(fc.tuple(fc.nat({ max: 600 }), fc.nat({ max: 400 })), { minLength: 1, maxLength: 40 }),
        (maxLines, maxChars, batches) => {
          const log = new OutputLog({ maxLines, maxChars });
          const all: string[] = [];
          let serial = 0;
          for (const [count, width] of batches) {
            const lines: string[] = [];
            for (let i = 0; i < count; i++) lines.push(`${serial++}:${"x".repeat((width * (i + 1)) % 397)}`);
            log.append(lines.map((line) => `${line}\n`).join(""));
            all.push(...lines);
            expectSameReads(log, all, maxLines, maxChars);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("OutputLog: large chunks kept as blocks of their own", () => {
  it("reads the same as the model however the output is cut, lines crossing chunks included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(100, 1_000, 5_000),
        fc.constantFrom(50_000, 16 * 1024 * 1024),
        fc.array(fc.tuple(fc.nat({ max: 800 }), fc.nat({ max: 300 })), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1_000, max: 70_000 }), { minLength: 1, maxLength: 30 }),
        (maxLines, maxChars, batches, cuts) => {
          const log = new OutputLog({ maxLines, maxChars });
          const lines: string[] = [];
          for (const [count, width] of batches) {
            for (let i = 0; i < count; i++) lines.push(`${lines.length}:${"y".repeat((width * (i + 3)) % 211)}`);
          }
          const text = lines.map((line) => `${line}\n`).join("");
          // Chunks of the given sizes in turn (many over DIRECT_MIN_CHARS), until the text is used up.
          let at = 0;
          let complete = 0;
          let done = 0;
          for (let i = 0; at < text.length; i++) {
            const size = cuts[i % cuts.length]!;
            log.append(text.slice(at, at + size));
            at = Math.min(text.length, at + size);
            while (complete < lines.length && done + lines[complete]!.length + 1 <= at) done += lines[complete++]!.length + 1;
            const kept = keptLines(lines.slice(0, complete), maxLines, maxChars);
            const partial = text.slice(done, at);
            const shown = partial === "" ? kept : [...kept, partial];
            expect(log.totalLines).toBe(complete);
            expect(log.firstLine).toBe(complete - kept.length);
            expect(log.read({ mode: "full", since: 0, maxLines: 100_000 }).output).toBe(shown.join("\n"));
            expect(log.read({ mode: "tail", tailLines: 5 }).output).toBe(shown.slice(-5).join("\n"));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** The model: the newest maxLines lines, then drop the oldest while over maxChars (keep one). */
function keptLines(all: string[], maxLines: number, maxChars: number): string[] {
  const kept = all.slice(-maxLines);
  let chars = kept.reduce((sum, line) => sum + line.length, 0);
  while (chars > maxChars && kept.length > 1) chars -= kept.shift()!.length;
  return kept;
}

function expectSameReads(log: OutputLog, all: string[], maxLines: number, maxChars: number): void {
  const kept = keptLines(all, maxLines, maxChars);
  expect(log.totalLines).toBe(all.length);
  expect(log.firstLine).toBe(all.length - kept.length);
  expect(log.read({ mode: "full", since: 0, maxLines: 100_000 }).output).toBe(kept.join("\n"));
  expect(log.read({ mode: "tail", tailLines: 7 }).output).toBe(kept.slice(-7).join("\n"));
  const mid = Math.max(log.firstLine, all.length - Math.ceil(kept.length / 2));
  expect(log.read({ mode: "full", since: mid, maxLines: 3 }).output).toBe(all.slice(mid, Math.min(mid + 3, all.length)).join("\n"));
}
