import { describe, expect, it } from "vitest";
import { EscapeTokenizer, type EscapeDialect, type EscapeSink } from "./escape-tokenizer";

const ESC = "\x1b";

/** Records every event with absolute positions; adjacent text pieces are joined (a chunk border may split text). */
class Recorder implements EscapeSink {
  readonly events: string[] = [];
  offset = 0;

  text(chunk: string, start: number, end: number): void {
    const piece = chunk.slice(start, end);
    const last = this.events.at(-1);
    if (last?.startsWith("text ")) this.events[this.events.length - 1] = last + piece;
    else this.events.push(`text ${piece}`);
  }
  control(code: number): void {
    this.events.push(`control ${code}`);
  }
  csi(final: number, p0: number, p1: number, flagged: boolean, at: number, simple: boolean): void {
    this.events.push(`csi ${String.fromCharCode(final)} ${p0} ${p1}${flagged ? " flagged" : ""}${simple ? " simple" : ""} @${this.offset + at}`);
  }
  escape(final: number, at: number): void {
    this.events.push(`escape ${String.fromCharCode(final)} @${this.offset + at}`);
  }
  end(at: number): void {
    this.events.push(`end @${this.offset + at}`);
  }
  irregular(at: number): void {
    this.events.push(`irregular @${this.offset + at}`);
  }
}

function tokenize(dialect: EscapeDialect, ...chunks: string[]): string[] {
  const tokenizer = new EscapeTokenizer(dialect);
  const recorder = new Recorder();
  for (const chunk of chunks) {
    tokenizer.write(chunk, recorder);
    recorder.offset += chunk.length;
  }
  return recorder.events;
}

// Every kind of sequence, with text and controls around, in both dialects.
const SAMPLES = [
  `a${ESC}[1;31mred${ESC}[0m\r\n`,
  `${ESC}[38;5;120mx${ESC}[48:2:1:2:3m${ESC}[K${ESC}[2K${ESC}[5G`,
  `${ESC}[?25l${ESC}[?1049h${ESC}[>c${ESC}[2 q${ESC}[12;40H`,
  `${ESC}]0;title\x07${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\`,
  `${ESC}P1$r0m${ESC}\\${ESC}_apc${ESC}\\${ESC}^pm\x07${ESC}Xsos\x07`,
  `${ESC}(B${ESC}#8${ESC}7${ESC}8${ESC}M${ESC}c${ESC}=`,
  `${ESC}[1\n2m${ESC}[3\x18x${ESC}[4${ESC}[5m${ESC}]2;t${ESC}[1m`,
  `${ESC}\x07[1m${ESC}${ESC}[2m${ESC}\x7f[3m${ESC}é${ESC}(\nB`,
  `\x9b1;2m\x9d0;t\x9cx\x85é🎉\x9b?5h`,
  `${ESC}]0;never ends\nnext line${ESC}[`,
];

describe("EscapeTokenizer", () => {
  it("reads plain SGR, EL and CHA as simple CSIs, with their parameters", () => {
    expect(tokenize("xterm", `a${ESC}[1;31mb${ESC}[K${ESC}[12G`)).toEqual([
      "text a",
      "csi m 1 31 simple @7",
      "text b",
      "csi K 0 0 simple @11",
      "csi G 12 0 simple @16",
    ]);
  });

  it("reports the byte that makes a sequence irregular, and its end", () => {
    expect(tokenize("xterm", `${ESC}[?25l${ESC}]0;t\x07${ESC}(B${ESC}7x`)).toEqual([
      "irregular @2",
      "csi l 25 0 flagged @5",
      "irregular @7",
      "end @11",
      "irregular @13",
      "end @14",
      "escape 7 @16",
      "text x",
    ]);
  });

  it("gives the same events however the input is split in two, at every position", () => {
    for (const dialect of ["reader", "xterm"] as const) {
      for (const sample of SAMPLES) {
        const whole = tokenize(dialect, sample);
        for (let cut = 0; cut <= sample.length; cut++) {
          expect(tokenize(dialect, sample.slice(0, cut), sample.slice(cut)), `${dialect} ${JSON.stringify(sample)} cut at ${cut}`).toEqual(whole);
        }
      }
    }
  });

  it("gives the same events fed one char at a time", () => {
    for (const dialect of ["reader", "xterm"] as const) {
      for (const sample of SAMPLES) expect(tokenize(dialect, ...sample.split(""))).toEqual(tokenize(dialect, sample));
    }
  });

  it("reader dialect: 8-bit introducers, strings closed at a line feed, stray bytes read again as output", () => {
    expect(tokenize("reader", `\x9b2J\x9d0;t\x9cok`)).toEqual(["csi J 2 0 simple @2", "end @7", "text ok"]);
    expect(tokenize("reader", `${ESC}]0;never ends\nrest`)).toEqual(["irregular @1", "control 10", "text rest"]);
    // The ESC before a control is dropped; a non-ASCII char ends a CSI and is kept as text.
    expect(tokenize("reader", `${ESC}\nx${ESC}[1éy`)).toEqual(["control 10", "text xéy"]);
    expect(tokenize("reader", `${ESC}(\nB`)).toEqual(["irregular @1", "control 10", "text B"]);
  });

  it("xterm dialect: controls inside a sequence are executed and it goes on; C1 bytes are controls", () => {
    expect(tokenize("xterm", `${ESC}]0;long\ntitle\x07x`)).toEqual(["irregular @1", "end @14", "text x"]);
    expect(tokenize("xterm", `${ESC}[1\n2m`)).toEqual(["control 10", "irregular @3", "csi m 12 0 @5"]);
    expect(tokenize("xterm", `${ESC}(\nB`)).toEqual(["irregular @1", "control 10", "end @3"]);
    expect(tokenize("xterm", `\x9b2J`)).toEqual(["control 155", "text 2J"]);
    // An ESC that ends a string begins a CSI that is not simple.
    expect(tokenize("xterm", `${ESC}]0;t${ESC}[1m`)).toEqual(["irregular @1", "csi m 1 0 @8"]);
  });

  it("cancels a sequence at CAN or SUB, and an ESC interrupts one", () => {
    expect(tokenize("xterm", `${ESC}[12\x18x`)).toEqual(["end @4", "text x"]);
    expect(tokenize("xterm", `${ESC}[12${ESC}[3m`)).toEqual(["irregular @4", "csi m 3 0 simple @7"]);
    expect(tokenize("reader", `${ESC}[12\x1ax`)).toEqual(["end @4", "text x"]);
  });

  it("sequence(): reads one sequence from its ESC, or continues one across chunks", () => {
    const tokenizer = new EscapeTokenizer("xterm");
    const recorder = new Recorder();
    expect(tokenizer.sequence(`ab${ESC}[3`, 2, recorder)).toBe(5);
    expect(tokenizer.inSequence).toBe(true);
    expect(tokenizer.pendingSimple).toBe(true);
    expect(tokenizer.sequence("1mrest", 0, recorder)).toBe(2);
    expect(tokenizer.inSequence).toBe(false);
    expect(recorder.events).toEqual(["csi m 31 0 simple @1"]);
    tokenizer.sequence(`${ESC}[1`, 0, recorder);
    tokenizer.abandonSimple();
    expect(tokenizer.pendingSimple).toBe(false);
    tokenizer.sequence("2m", 0, recorder);
    expect(recorder.events.at(-1)).toBe("csi m 12 0 @1");
  });

  it("caps numeric parameters", () => {
    expect(tokenize("reader", `${ESC}[${"9".repeat(40)}A`)).toEqual(["csi A 1000000 0 simple @42"]);
  });
});
