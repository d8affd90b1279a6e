import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { PlainRunTracker } from "./plain-run-tracker";
import { ScreenMirror, type ScreenMirrorOptions } from "./screen-mirror";

const ESC = "\x1b";
const mirrors: ScreenMirror[] = [];

function mirror(options: ScreenMirrorOptions): ScreenMirror {
  const created = new ScreenMirror(options);
  mirrors.push(created);
  return created;
}

afterEach(() => {
  for (const created of mirrors.splice(0)) created.dispose();
});

function idle(target: ScreenMirror): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not idle after 5 s: ${target.pendingChars} chars pending`)), 5_000);
    target.whenIdle(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Everything a mirror can show: the whole buffer with attributes and modes, the screen, the cursor. */
function state(m: ScreenMirror) {
  return {
    serialized: m.serialize({ scrollbackLines: 100_000, maxChars: Number.POSITIVE_INFINITY }),
    screen: m.snapshot("full"),
    size: [m.cols, m.rows],
  };
}

// Plain output: text (ASCII, wide, astral), SGR, EL, CHA, tabs, line endings of every kind.
const sgr = fc.constantFrom(`${ESC}[0m`, `${ESC}[m`, `${ESC}[1;31m`, `${ESC}[38;5;120m`, `${ESC}[48;2;1;2;3m`, `${ESC}[4:3m`, `${ESC}[;1m`, `${ESC}[7m`, `${ESC}[0;32m`, `${ESC}[39;49m`);
const lineEdit = fc.constantFrom(`${ESC}[K`, `${ESC}[2K`, `${ESC}[1K`, `${ESC}[5G`, `${ESC}[G`, "\t");
const text = fc.constantFrom("hello", "build ok", "漢字", "😀x", "é", "a", "0123456789".repeat(4), " ", "~|{}");
const piece = fc.oneof({ weight: 6, arbitrary: text }, { weight: 2, arbitrary: sgr }, { weight: 1, arbitrary: lineEdit });
const ending = fc.constantFrom("\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r");
const plainLine = fc.tuple(fc.array(piece, { maxLength: 8 }), ending).map(([parts, end]) => parts.join("") + end);
const plainBlock = fc.array(plainLine, { minLength: 0, maxLength: 400, size: "max" }).map((lines) => lines.join(""));

// Everything else: cursor moves, clears, screens, regions, modes, strings, queries, C0 controls.
const other = fc.constantFrom(
  `${ESC}[2J`,
  `${ESC}[H`,
  `${ESC}[3A`,
  `${ESC}[2;3H`,
  `${ESC}[?1049h`,
  `${ESC}[?1049l`,
  `${ESC}[2;4r`,
  `${ESC}[r`,
  `${ESC}]0;title${"\x07"}`,
  `${ESC}]2;a\r\nb\r\n${"\x07"}`,
  `${ESC}[6n`,
  `${ESC}[c`,
  `${ESC}[?25l`,
  `${ESC}[?25h`,
  "\x08",
  "\x07",
  `${ESC}7`,
  `${ESC}8`,
  `${ESC}M`,
  `${ESC}[?7l`,
  `${ESC}[?7h`,
  `${ESC}[4h`,
  `${ESC}[4l`,
  `${ESC}[20h`,
  `${ESC}[20l`,
  `${ESC}[3J`,
  `${ESC}[S`,
  `${ESC}[2L`,
  `${ESC}(0`,
  `${ESC}(B`,
  "\x0e",
  "\x0f",
  "\u009b1m",
  `${ESC}[1b`,
  `${ESC}P$qm${ESC}\\`,
);

type Step = { write: string } | { resize: [number, number] } | { idle: true } | { yield: true };

const stream = fc
  .array(fc.oneof({ weight: 5, arbitrary: plainBlock }, { weight: 2, arbitrary: other }), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(""));

/** The stream cut at arbitrary points (inside sequences and surrogate pairs too), with resizes and idle checks between. */
const steps = fc
  .tuple(stream, fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 30 }), fc.array(fc.oneof(fc.constant<"idle">("idle"), fc.constant<"yield">("yield"), fc.constant<"yield">("yield"), fc.tuple(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 2, max: 9 }))), { maxLength: 30 }))
  .map(([data, cuts, extras]) => {
    const out: Step[] = [];
    let at = 0;
    cuts.forEach((size, i) => {
      if (at >= data.length) return;
      out.push({ write: data.slice(at, at + size) });
      at += size;
      const extra = extras[i];
      if (extra === "idle") out.push({ idle: true });
      else if (extra === "yield") out.push({ yield: true });
      else if (extra) out.push({ resize: extra });
    });
    if (at < data.length) out.push({ write: data.slice(at) });
    return out;
  });

/**
 * Feeds the same steps to a mirror that parses everything and to a fast-forwarding one, and
 * returns what each shows and answered. Both are disposed before it returns, so that fast-check's
 * shrinking of a failing case (thousands of runs) does not keep thousands of terminals alive.
 */
async function compare(steps: Step[], options: Omit<ScreenMirrorOptions, "fastForward">) {
  const replies: Record<string, string[]> = { full: [], fast: [] };
  const full = new ScreenMirror({ ...options, onReply: (data) => replies.full!.push(data) });
  const fast = new ScreenMirror({ ...options, fastForward: true, onReply: (data) => replies.fast!.push(data) });
  try {
    for (const step of steps) {
      if ("write" in step) {
        full.write(step.write);
        fast.write(step.write);
      } else if ("yield" in step) {
        // Let xterm parse what it was given, as the gaps between PTY reads do.
        await new Promise((resolve) => setTimeout(resolve, 0));
      } else if ("resize" in step) {
        full.resize(...step.resize);
        fast.resize(...step.resize);
      } else {
        await Promise.all([idle(full), idle(fast)]);
        expect(state(fast)).toEqual(state(full));
      }
    }
    await Promise.all([idle(full), idle(fast)]);
    return {
      full: state(full),
      fast: state(fast),
      replies,
      skipped: fast.skippedChars,
      parsedAll: fast.parsedChars === fast.writtenChars,
    };
  } finally {
    full.dispose();
    fast.dispose();
  }
}

describe("ScreenMirror fast-forward", () => {
  it("ends in exactly the state of a mirror that parsed everything, however the output is shaped and cut (property)", async () => {
    let skippedRuns = 0;
    await fc.assert(
      // Scrollback from 1: with none, xterm 6 itself can throw in lineFeed after some resizes
      // (with or without fast-forward); the app's mirrors always keep at least 100 lines.
      fc.asyncProperty(steps, fc.integer({ min: 10, max: 40 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 30 }), async (s, cols, rows, scrollback) => {
        const result = await compare(s, { cols, rows, scrollback });
        expect(result.fast).toEqual(result.full);
        // Queries are answered in the same order with the same answers (e.g. the cursor position).
        expect(result.replies.fast).toEqual(result.replies.full);
        expect(result.parsedAll).toBe(true);
        if (result.skipped > 0) skippedRuns++;
      }),
      { numRuns: Number(process.env.FF_RUNS ?? 300) },
    );
    // The property is only worth something if skipping actually happened often.
    expect(skippedRuns).toBeGreaterThan(30);
  }, 120_000);

  it("shows the same rows as a full parse after a narrowing resize that pushes wrapped lines out of the scrollback", async () => {
    // Found by the property above (seed 1386834121): skipping changes how often the buffer has
    // scrolled, and xterm 6's reflow to fewer columns overwrote a line depending on that count
    // (see resizeTerminal). The fast-forwarding mirror then showed "567890" on its last row.
    const steps: Step[] = [
      { write: "\n".repeat(16) },
      { write: "\n".repeat(36) },
      { write: `${"\n".repeat(5)}0123434567\n\ude00xllo\n\n\n\n\n\r\nbu\n\nm\n\n2345623456\nll\n\n\n\n\n[Khe\n~|{}helloé${"\n".repeat(12)}890123456789012345678901;2;3\n\nhel{} hello\ude00\n` },
      { resize: [6, 4] },
    ];
    const result = await compare(steps, { cols: 14, rows: 4, scrollback: 2 });
    expect(result.skipped).toBeGreaterThan(0);
    expect(result.fast.screen.lines).toEqual([" hel{}", " hello", "\ude00", ""]);
    expect(result.fast).toEqual(result.full);
  });

  it("skips nearly all of a long plain flood and parses its end", async () => {
    const m = mirror({ cols: 80, rows: 24, scrollback: 1000, fastForward: true });
    const line = (i: number) => `${i % 8 === 0 ? `${ESC}[32m` : ""}line ${i} ${"#".repeat(60)}${ESC}[0m\r\n`;
    let total = 0;
    for (let chunk = 0; chunk < 200; chunk++) {
      let data = "";
      for (let k = 0; k < 500; k++) data += line(chunk * 500 + k);
      total += data.length;
      expect(m.write(data)).toBe(true); // never asks for a pause
    }
    await idle(m);
    expect(m.skippedChars).toBeGreaterThan(total * 0.95);
    expect(m.snapshot("last_line").lines).toEqual([line(99_999).replace(/\x1b\[\d*m/g, "").trimEnd()]);
  });

  it("answers a query that follows a flood at once, without waiting for anyone to ask for the screen", async () => {
    const replies: string[] = [];
    const m = mirror({ cols: 80, rows: 24, scrollback: 100, fastForward: true, onReply: (data) => replies.push(data) });
    m.write(`${"plain line\r\n".repeat(5000)}prompt$ ${ESC}[6n`);
    // Nobody calls whenIdle or asks for the screen: the reply must come by itself (a wait for it,
    // bounded by the test's timeout, rather than a fixed pause a busy machine can outlast).
    while (replies.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(replies).toEqual([`${ESC}[24;9R`]);
  });

  it("does not skip on the alternate screen or inside a scroll region", async () => {
    for (const setup of [`${ESC}[?1049h`, `${ESC}[2;10r`]) {
      const m = mirror({ cols: 40, rows: 12, scrollback: 10, fastForward: true });
      m.write(setup);
      m.write("x\r\n".repeat(2000));
      await idle(m);
      expect(m.skippedChars).toBe(0);
    }
  });
});

describe("PlainRunTracker", () => {
  it("ends a run at anything but plain output and carries sequences across chunks", () => {
    const t = new PlainRunTracker();
    t.feed(`abc\r\n${ESC}[3`, 0);
    expect(t.run.start).toBe(0);
    t.feed(`1mred${ESC}[0m`, 8);
    expect(t.run.start).toBe(0);
    expect(t.run.pen).toBe(`${ESC}[0m`);
    t.feed(`x${ESC}[?25ly`, 19);
    expect(t.run.start).toBe(26); // right after the `l` that ended the private-mode sequence
    t.feed(`${ESC}]0;a\r\nb\x07z`, 27);
    expect(t.run.start).toBe(36); // after the BEL that ended the title string
    t.breakAt(40);
    expect(t.run).toMatchObject({ start: 40, state: "pending", lfs: 0 });
  });

  it("offers a cut only once enough line feeds follow it", () => {
    const t = new PlainRunTracker();
    t.verify(true, 100);
    t.feed("line\r\n".repeat(150), 0);
    expect(t.takeCut(0)).toBeUndefined();
    t.feed("line\r\n".repeat(100), 900);
    const cut = t.takeCut(0);
    expect(cut).toMatchObject({ lfs: 128, offset: 128 * 6 });
    expect(t.takeCut(cut!.offset)).toBeUndefined();
  });
});
