import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareCost, describeScaling, repeated } from "../../../test/helpers/scaling";
import { stripAnsi } from "../../../test/helpers/strip-ansi";
import { CURSOR_REACH_ROWS, cleanTerminalText, estimateTokens } from "./ansi-clean";

const ESC = "\x1b";
const CSI = `${ESC}[`;

/** Characters that exercise every path of the scanner and the editor. */
const terminalUnit = fc.constantFrom(
  "a", "b", "Z", " ", "é", "😀", "\uD83D", "\uDE00", "█", "⠙",
  "\n", "\r", "\r\n", "\b", "\t", "\x07", "\x00", "\x7f", "\x85", "\x9b", "\x9c", "\x9d",
  ESC, `${CSI}`, "[", "]", "0", "1", "2", "9", ";", "?", " ", "A", "B", "C", "D", "E", "F", "G", "H", "J", "K",
  "m", "s", "u", "7", "8", "M", "P", "_", "\\", "(",
  `${CSI}2K`, `${CSI}1A`, `${CSI}3A`, `${CSI}J`, `${CSI}1K`, `${CSI}5G`, `${CSI}31m`, `${ESC}]0;t\x07`,
);
const terminalText = fc.string({ unit: terminalUnit, maxLength: 300 });

describe("stripAnsi", () => {
  it.each([
    ["SGR colours", `a${CSI}1;31mred${CSI}0m${CSI}38;2;1;2;3mrgb${CSI}m`, "aredrgb"],
    ["CSI with private markers", `${CSI}?25l${CSI}?2004hx${CSI}>4;1m${CSI}=5u`, "x"],
    ["CSI with intermediate bytes", `a${CSI}2 qb${CSI}0"pc`, "abc"],
    ["OSC ended by BEL", `${ESC}]0;window title\x07text`, "text"],
    ["OSC ended by ST", `${ESC}]2;title${ESC}\\text`, "text"],
    ["OSC 8 hyperlinks", `${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\`, "link"],
    ["DCS string", `a${ESC}Pq#0;2;0;0;0#0~~@@${ESC}\\b`, "ab"],
    ["SOS, PM and APC strings", `a${ESC}Xsos${ESC}\\b${ESC}^pm${ESC}\\c${ESC}_Gkitty=1;AAAA${ESC}\\d`, "abcd"],
    ["two-byte escapes", `${ESC}=a${ESC}>b${ESC}7c${ESC}8d${ESC}Me${ESC}c`, "abcde"],
    ["charset designations and nF escapes", `${ESC}(Ba${ESC})0b${ESC}#8c${ESC}%Gd${ESC} Fe`, "abcde"],
    ["8-bit C1 CSI and OSC", `a\x9b31mb\x9d0;title\x9cc\x90dcs\x9cd`, "abcd"],
    ["lone C1 controls", "a\x85b\x84c\x8dd", "abcd"],
    ["stray C0 controls and DEL", "a\x00b\x07c\x0ed\x0fe\x7ff\x1cg", "abcdefg"],
    ["lone ESC at the end", `abc${ESC}`, "abc"],
    ["unterminated CSI at the end", `abc${CSI}12;3`, "abc"],
    ["unterminated OSC is closed by a newline", `${ESC}]0;never ended\nnext line`, "\nnext line"],
    ["ESC before a control", `a${ESC}\nb`, "a\nb"],
    ["ESC interrupting a CSI", `a${CSI}12${CSI}31mb`, "ab"],
    ["CAN cancelling a CSI", `a${CSI}12\x18b`, "ab"],
  ])("removes %s", (_name, raw, expected) => {
    expect(stripAnsi(raw)).toBe(expected);
  });

  it("keeps \\n, \\r, \\t and \\b (line editing is cleanTerminalText's job)", () => {
    expect(stripAnsi(`10%\r${CSI}32m20%${CSI}0m\r\n\ta\bb`)).toBe("10%\r20%\r\n\ta\bb");
  });

  it("never leaves an escape or a C1 control, whatever the input", () => {
    fc.assert(
      fc.property(terminalText, (raw) => {
        expect(stripAnsi(raw)).not.toMatch(/[\x1b\x80-\x9f\x00-\x07\x0b\x0c\x0e-\x1f\x7f]/);
      }),
    );
  });
});

describe("cleanTerminalText: escapes", () => {
  it("strips every escape family the same way stripAnsi does", () => {
    const raw =
      `${CSI}1;31mred${CSI}0m ${CSI}?25l${ESC}]0;title\x07${ESC}]8;;u${ESC}\\link${ESC}]8;;${ESC}\\ ` +
      `${ESC}Pdcs${ESC}\\${ESC}_apc${ESC}\\${ESC}(B${ESC}=\x9b1mc1\x85\x00\x07end${ESC}`;
    expect(cleanTerminalText(raw)).toBe("red link c1end");
  });

  it("drops a CSI's private/intermediate variants without acting on them", () => {
    // `ESC[?1J` (selective erase) and `ESC[2 J`-like forms must not erase anything.
    expect(cleanTerminalText(`keep${CSI}?2K${CSI}2 K me`)).toBe("keep me");
  });
});

describe("cleanTerminalText: line editing", () => {
  it("reduces a \\r progress bar to its final frame", () => {
    const frames = Array.from({ length: 101 }, (_, p) => `[${"#".repeat(p / 5).padEnd(20)}] ${p}%`);
    expect(cleanTerminalText(`Downloading\r\n${frames.map((f) => `\r${f}`).join("")}\r\ndone\r\n`)).toBe(
      "Downloading\n[####################] 100%\ndone\n",
    );
  });

  it("keeps what a shorter rewrite does not cover, unless it is erased (as a terminal does)", () => {
    expect(cleanTerminalText("long text\rshort")).toBe("shorttext");
    expect(cleanTerminalText(`long text\rshort${CSI}K`)).toBe("short");
    expect(cleanTerminalText(`long text\r${CSI}2Kshort`)).toBe("short");
    expect(cleanTerminalText(`long text${CSI}1Kx`)).toBe("x".padStart(10));
    expect(cleanTerminalText(`abcdef${CSI}3D${CSI}1Kx`)).toBe("   xef");
    expect(cleanTerminalText(`abcdef${CSI}3D${CSI}0K`)).toBe("abc");
  });

  it("collapses a spinner redrawn with \\b, ESC[1D or ESC[1G to its last frame", () => {
    expect(cleanTerminalText("Working |\b/\b-\b\\\b|\bdone")).toBe("Working done");
    expect(cleanTerminalText(`Working |${CSI}1D/${CSI}1D-${CSI}1D ${CSI}1Dok`)).toBe("Working ok");
    expect(cleanTerminalText(`⠙${CSI}1G${CSI}0K⠹${CSI}1G${CSI}0K⠸${CSI}1G${CSI}0K\r\nadded 1 package`)).toBe(
      "\nadded 1 package",
    );
  });

  it("moves horizontally with ESC[nG, ESC[nC and ESC[nD", () => {
    expect(cleanTerminalText(`abc${CSI}5Gx`)).toBe("abc x");
    expect(cleanTerminalText(`a${CSI}3Cb`)).toBe("a   b");
    expect(cleanTerminalText(`abcdef${CSI}2Dx`)).toBe("abcdxf");
    expect(cleanTerminalText(`abc${CSI}Gx`)).toBe("xbc"); // missing and 0 counts mean 1
    expect(cleanTerminalText(`abc${CSI}0Dx`)).toBe("abx");
    expect(cleanTerminalText(`ab${CSI}99Dx`)).toBe("xb");
  });

  it("reduces a multi-line redraw (cursor-up + erase line, npm/docker style) to the final state", () => {
    const frame = (n: number) => [`layer a: ${n}%`, `layer b: ${n * 2}%`, `layer c: ${n * 3}%`];
    let raw = "Pulling image\r\n";
    for (let n = 0; n <= 30; n += 10) {
      if (n > 0) raw += `${CSI}3A`;
      raw += frame(n).map((line) => `${CSI}2K${line}\r\n`).join("");
    }
    raw += "Done\r\n";
    expect(cleanTerminalText(raw)).toBe(`Pulling image\n${frame(30).join("\n")}\nDone\n`);
  });

  it("handles ink-style erase-lines redraws (ESC[2K ESC[1A …), dropping rows a shorter frame left blank", () => {
    const eraseLines = (count: number) => `${CSI}2K${CSI}1A`.repeat(count - 1) + `${CSI}2K${CSI}G`;
    const raw = `line 1\nline 2\nline 3${eraseLines(3)}only line`;
    expect(cleanTerminalText(raw)).toBe("only line");
    expect(cleanTerminalText(`${raw}\nafter`)).toBe("only line\nafter");
  });

  it("moves up with ESC[nF to column 0 and down with ESC[nB / ESC[nE", () => {
    expect(cleanTerminalText(`one\ntwo\nthree${CSI}2FONE`)).toBe("ONE\ntwo\nthree");
    expect(cleanTerminalText(`one\ntwo\nthree${CSI}2A${CSI}1BX`)).toBe("one\ntwo  X\nthree"); // column kept
    expect(cleanTerminalText(`one\ntwo\nthree${CSI}2A${CSI}1EX`)).toBe("one\nXwo\nthree");
    expect(cleanTerminalText(`one\ntwo${CSI}9BX`)).toBe("one\ntwoX"); // down stops at the last row
  });

  it("clamps cursor-up at the first line of the text", () => {
    expect(cleanTerminalText(`first\nsecond${CSI}99A\rFIRST`)).toBe("FIRST\nsecond");
  });

  it("erases below with ESC[J / ESC[0J", () => {
    expect(cleanTerminalText(`a1\nb2\nc3\nd4${CSI}2A${CSI}J`)).toBe("a1\nb2");
    expect(cleanTerminalText(`a1\nb2\nc3\nd4${CSI}2A\r${CSI}J`)).toBe("a1\n");
    expect(cleanTerminalText(`a1\nb2\nc3${CSI}1A\r${CSI}1C${CSI}0Jx`)).toBe("a1\nbx");
  });

  it("restores a saved cursor (ESC 7 / ESC 8 and ESC[s / ESC[u)", () => {
    expect(cleanTerminalText(`status: ${ESC}7working\nlog line${ESC}8done${CSI}K`)).toBe("status: done\nlog line");
    expect(cleanTerminalText(`a${CSI}sbbb${CSI}uX`)).toBe("aXbb");
  });

  it("continues on a fresh line after absolute positioning or a screen clear (keeping history)", () => {
    expect(cleanTerminalText(`before${CSI}H${CSI}2Jafter`)).toBe("before\nafter");
    expect(cleanTerminalText(`${CSI}5;1HName:${CSI}5;10Hvalue${CSI}6;1Hnext`)).toBe("Name:    value\nnext");
  });

  it("treats \\r\\n and \\n as newlines and trims trailing whitespace per line", () => {
    expect(cleanTerminalText("a  \r\nb\t \nc   ")).toBe("a\nb\nc");
    expect(cleanTerminalText("a\n\n\nb\n")).toBe("a\n\n\nb\n");
  });

  it("keeps tabs and wide characters as text", () => {
    expect(cleanTerminalText("a\tb 日本 😀")).toBe("a\tb 日本 😀");
  });

  it("lets cursor-up reach at least CURSOR_REACH_ROWS rows back", () => {
    const rows = Array.from({ length: CURSOR_REACH_ROWS * 3 }, (_, i) => `row ${i}`);
    const cleaned = cleanTerminalText(`${rows.join("\n")}${CSI}${CURSOR_REACH_ROWS - 1}A\rROW`);
    const lines = cleaned.split("\n");
    expect(lines).toHaveLength(rows.length);
    expect(lines[rows.length - CURSOR_REACH_ROWS]).toBe(`ROW ${rows.length - CURSOR_REACH_ROWS}`);
  });
});

describe("cleanTerminalText: properties", () => {
  it("never throws and never leaves escapes or stray controls", () => {
    fc.assert(
      fc.property(fc.oneof(terminalText, fc.string({ unit: "binary", maxLength: 300 })), (raw) => {
        expect(cleanTerminalText(raw)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      }),
      { numRuns: 500 },
    );
    // A hang guard, not a limit: ~4 s on an idle machine, several times that beside CPU hogs.
  }, 120_000);

  it("is idempotent", () => {
    fc.assert(
      fc.property(terminalText, (raw) => {
        const once = cleanTerminalText(raw);
        expect(cleanTerminalText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves plain text as is, apart from trailing whitespace", () => {
    const plain = fc.string({ unit: fc.constantFrom("a", "é", "😀", " ", "\t", "\n", "x", "日"), maxLength: 200 });
    fc.assert(
      fc.property(plain, (text) => {
        expect(cleanTerminalText(text)).toBe(
          text
            .split("\n")
            .map((line) => line.trimEnd())
            .join("\n"),
        );
      }),
    );
  });

  it("cleans the stripped text the same way as the raw text when there are no cursor moves", () => {
    const noMoves = fc.string({ unit: fc.constantFrom("a", "b", " ", "\r", "\n", "\b", `${CSI}31m`, `${ESC}]0;x\x07`), maxLength: 200 });
    fc.assert(
      fc.property(noMoves, (raw) => {
        expect(cleanTerminalText(stripAnsi(raw))).toBe(cleanTerminalText(raw));
      }),
    );
  });
});

describe("cleanTerminalText: robustness and cost", () => {
  const MB = 1024 * 1024;

  function randomTerminalBytes(size: number, seed: number): string {
    // A cheap deterministic generator: mostly text, with every kind of control mixed in.
    const alphabet = ["abcdefgh", " ", "\n", "\r", "\b", ESC, "[", "]", "0", "5", ";", "?", "A", "D", "G", "J", "K", "m", "\x07", "😀", "█", "\x9b"];
    const parts: string[] = [];
    let state = seed;
    let length = 0;
    while (length < size) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      const part = alphabet[state % alphabet.length]!;
      parts.push(part);
      length += part.length;
    }
    return parts.join("");
  }

  // Growth, not speed: the same total input as 8 small pieces or as one 8× piece. Linear work
  // costs ~1× either way; work that grows with the input's size (the quadratic trap of a line
  // editor) costs ~8× for the large piece. 3× leaves room for GC and cache effects.
  const FACTOR = 8;
  const LIMIT = 3;

  it("takes linear time on random terminal input (8 × 256 kB vs 2 MB)", () => {
    const small = randomTerminalBytes(MB / 4, 1);
    const large = randomTerminalBytes(FACTOR * (MB / 4), 1);
    const cost = compareCost(repeated(FACTOR, () => cleanTerminalText(small)), () => cleanTerminalText(large), 3);
    console.info(describeScaling("cleanTerminalText, random input, 8 small pieces → 1 large", cost));
    expect(cost.ratio).toBeLessThan(LIMIT);
  });

  // Each case grows its long row and its repetitions together, so a cost per edit that grows with
  // the row shows in the ratio.
  it.each([
    ["repeated erase-to-start on a long row", (k: number) => "x".repeat(7_500 * k) + `${CSI}2D${CSI}1K`.repeat(62_500 * k)],
    ["backspace-overwrite at the end of a long row", (k: number) => "x".repeat(7_500 * k) + "\by".repeat(125_000 * k)],
    ["erase line then write far right, repeatedly", (k: number) => "x".repeat(7_500 * k) + `${CSI}2Kx`.repeat(62_500 * k)],
    ["delete to end of a long row, repeatedly", (k: number) => "x".repeat(7_500 * k) + `${CSI}2D${CSI}Ky`.repeat(62_500 * k)],
    ["cursor up and down between long rows", (k: number) => `${"x".repeat(7_500 * k)}\n`.repeat(4) + `${CSI}3A${CSI}1K${CSI}3B${CSI}1K`.repeat(37_500 * k)],
    ["huge cursor-forward counts", (k: number) => `${CSI}999999999Cx\r`.repeat(37_500 * k)],
    ["huge line counts", (k: number) => `a\n${CSI}999999999A${CSI}999999999B`.repeat(37_500 * k)],
  ])("stays linear on adversarial input: %s", (name, make) => {
    const small = make(1);
    const large = make(FACTOR);
    expect(large.length).toBeGreaterThan(2_000_000);
    const cost = compareCost(repeated(FACTOR, () => cleanTerminalText(small)), () => cleanTerminalText(large), 3);
    console.info(describeScaling(`cleanTerminalText, ${name}, 8 small pieces → 1 large`, cost));
    expect(cost.ratio).toBeLessThan(LIMIT);
  });

  // Sizes far past what a spread or a recursive step survives (~100k arguments or frames), yet
  // small enough that a loaded 2-core machine cleans them well within the test timeout (50 MB and
  // 4M lines took over 30 s there).
  it("handles a 16 MB line and a million lines without blowing the stack", () => {
    const oneLine = "progress ".repeat((16 * MB) / 9);
    expect(cleanTerminalText(oneLine).length).toBe(oneLine.length - 1);
    const manyLines = "line\n".repeat(MB) + `${CSI}A`.repeat(MB / 4) + "\rLINE";
    const cleaned = cleanTerminalText(manyLines);
    // The empty row after the last "\n" is below the cursor once it moved up, so it is dropped.
    expect(cleaned.length).toBe(manyLines.indexOf(CSI) - 1);
    const rewritten = cleaned.split("\n").indexOf("LINE");
    expect(rewritten).toBeLessThanOrEqual(MB - CURSOR_REACH_ROWS);
    expect(rewritten).toBeGreaterThan(MB - 2 * CURSOR_REACH_ROWS);
  });

  it("survives unterminated sequences at the end of the input", () => {
    for (const tail of [ESC, CSI, `${CSI}12;`, `${ESC}]0;title`, `${ESC}P`, `${ESC}(`, "\x9b", "\x9d", `${ESC}]0;t${ESC}`]) {
      expect(cleanTerminalText(`text${tail}`)).toBe("text");
    }
  });
});

describe("estimateTokens", () => {
  it("is ceil(length / 4)", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
    expect(estimateTokens("x".repeat(4000))).toBe(1000);
  });
});
