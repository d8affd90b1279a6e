import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import * as pty from "node-pty";
import { afterEach, describe, expect, it } from "vitest";
import { compareCost, describeScaling } from "../../../test/helpers/scaling";
import {
  MIRROR_HIGH_WATERMARK,
  MIRROR_LOW_WATERMARK,
  MIRROR_SERIALIZE_MAX_CHARS,
  ScreenMirror,
  type ScreenMirrorOptions,
} from "./screen-mirror";

const ESC = "\x1b";
const mirrors: ScreenMirror[] = [];
const ptys: pty.IPty[] = [];

function mirror(options: Partial<ScreenMirrorOptions> = {}): ScreenMirror {
  const created = new ScreenMirror({ cols: 80, rows: 24, scrollback: 1000, ...options });
  mirrors.push(created);
  return created;
}

function idle(target: ScreenMirror): Promise<void> {
  return new Promise((resolve) => target.whenIdle(resolve));
}

async function written(target: ScreenMirror, data: string): Promise<void> {
  target.write(data);
  await idle(target);
}

/** A fresh mirror of the same size restored from `source.serialize()`. */
async function restored(source: ScreenMirror): Promise<ScreenMirror> {
  const copy = mirror({ cols: source.cols, rows: source.rows });
  await written(copy, source.serialize());
  return copy;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(() => {
  for (const created of mirrors.splice(0)) created.dispose();
  for (const child of ptys.splice(0)) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

describe("snapshot", () => {
  it("shows the visible rows as trimmed plain text with a 0-based cursor", async () => {
    const m = mirror({ cols: 20, rows: 5 });
    await written(m, `${ESC}[31mred${ESC}[0m   \r\nsecond\r\nthird`);
    const full = m.snapshot("full");
    expect(full.lines).toEqual(["red", "second", "third", "", ""]);
    expect(full.startRow).toBe(0);
    expect(full.cursor).toEqual({ row: 2, col: 5 });
    expect(full.size).toEqual({ cols: 20, rows: 5 });
    expect(full.alternateScreen).toBe(false);
    expect(full.cursorVisible).toBe(true);
    expect(full.viewMode).toBe("full");
  });

  it("shows the screen, not the scrollback", async () => {
    const m = mirror({ cols: 20, rows: 3 });
    await written(m, "one\r\ntwo\r\nthree\r\nfour");
    expect(m.snapshot("full").lines).toEqual(["two", "three", "four"]);
    expect(m.snapshot("full").cursor).toEqual({ row: 2, col: 4 });
  });

  it("last_line is the last non-empty row at or above the cursor", async () => {
    const m = mirror({ cols: 20, rows: 6 });
    await written(m, "first\r\nprompt $ \r\n\r\n");
    expect(m.snapshot("last_line")).toMatchObject({ lines: ["prompt $"], startRow: 1 });
    // Text below the cursor does not count.
    await written(m, `${ESC}[5;1Hbelow${ESC}[1;3H`);
    expect(m.snapshot("last_line")).toMatchObject({ lines: ["first"], startRow: 0, cursor: { row: 0, col: 2 } });
    const empty = mirror({ cols: 20, rows: 6 });
    expect(empty.snapshot("last_line")).toMatchObject({ lines: [], startRow: 0 });
  });

  it("last_n_lines ends at the cursor row or the last non-empty row, whichever is lower", async () => {
    const m = mirror({ cols: 20, rows: 10 });
    await written(m, "a\r\nb\r\nc\r\nd\r\n$ ");
    expect(m.snapshot("last_n_lines", { nLines: 3 })).toMatchObject({ lines: ["c", "d", "$"], startRow: 2 });
    expect(m.snapshot("last_n_lines").lines).toEqual(["a", "b", "c", "d", "$"]);
    // A full-screen program with the cursor at the top still shows its bottom rows.
    await written(m, `${ESC}[8;1Hstatus line${ESC}[1;1H`);
    expect(m.snapshot("last_n_lines", { nLines: 2 })).toMatchObject({ lines: ["", "status line"], startRow: 6 });
    // Out-of-range counts are clamped to 1–200.
    expect(m.snapshot("last_n_lines", { nLines: 0 }).lines).toEqual(["status line"]);
    expect(m.snapshot("last_n_lines", { nLines: 1000 }).lines).toHaveLength(8);
  });

  it("cursor_area shows contextLines around the cursor row, clamped to the screen", async () => {
    const m = mirror({ cols: 20, rows: 10 });
    await written(m, Array.from({ length: 10 }, (_, i) => `row${i}`).join("\r\n") + `${ESC}[5;3H`);
    expect(m.snapshot("cursor_area", { contextLines: 1 })).toMatchObject({
      lines: ["row3", "row4", "row5"],
      startRow: 3,
      cursor: { row: 4, col: 2 },
    });
    expect(m.snapshot("cursor_area").lines).toEqual(["row1", "row2", "row3", "row4", "row5", "row6", "row7"]);
    await written(m, `${ESC}[1;1H`);
    expect(m.snapshot("cursor_area", { contextLines: 2 })).toMatchObject({ lines: ["row0", "row1", "row2"], startRow: 0 });
    expect(m.snapshot("cursor_area", { contextLines: 50 }).lines).toHaveLength(10);
  });

  it("reports a hidden cursor", async () => {
    const m = mirror();
    await written(m, `${ESC}[?25l`);
    expect(m.snapshot("full").cursorVisible).toBe(false);
  });
});

describe("whenIdle", () => {
  it("runs at once when nothing is pending", () => {
    const m = mirror();
    let called = false;
    m.whenIdle(() => (called = true));
    expect(called).toBe(true);
  });

  it("runs only when every written char has been parsed, in request order", async () => {
    const m = mirror();
    const order: number[] = [];
    let total = 0;
    for (let i = 0; i < 500; i++) {
      const chunk = `chunk ${i} ${"x".repeat(i % 97)}\r\n`;
      total += chunk.length;
      m.write(chunk);
      if (i % 100 === 99) {
        m.whenIdle(() => {
          order.push(i);
          expect(m.parsedChars).toBe(m.writtenChars);
          expect(m.pendingChars).toBe(0);
        });
      }
    }
    expect(m.pendingChars).toBeGreaterThan(0);
    await idle(m);
    expect(order).toEqual([99, 199, 299, 399, 499]);
    expect(m.writtenChars).toBe(total);
    expect(m.parsedChars).toBe(total);
  });

  it("defers the remaining callbacks when one of them writes", async () => {
    const m = mirror();
    m.write("pending");
    const seen: number[] = [];
    m.whenIdle(() => {
      seen.push(m.pendingChars);
      m.write("more");
    });
    m.whenIdle(() => seen.push(m.pendingChars));
    await idle(m);
    expect(seen).toEqual([0, 0]);
    expect(m.snapshot("full").lines[0]).toBe("pendingmore");
  });

  it("a snapshot taken at idle plus the output after it rebuilds the same screen", async () => {
    // What a late viewer gets: serialize() inside whenIdle, then every chunk written afterwards.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("word ", "\r\n", `${ESC}[1;32m`, `${ESC}[0m`, `${ESC}[2;5H`, `${ESC}[K`, "é", "漢", `${ESC}[?1049h`, `${ESC}[?1049l`), {
          minLength: 1,
          maxLength: 120,
        }),
        fc.nat(),
        async (tokens, cut) => {
          const source = mirror({ cols: 30, rows: 6, scrollback: 100 });
          const viewer = mirror({ cols: 30, rows: 6, scrollback: 100 });
          const split = cut % (tokens.length + 1);
          tokens.slice(0, split).forEach((token) => source.write(token));
          let attached = false;
          source.whenIdle(() => {
            viewer.write(source.serialize());
            attached = true;
          });
          for (const token of tokens.slice(split)) {
            source.write(token);
            if (attached) viewer.write(token);
          }
          await idle(source); // the viewer is written to from the source's idle callback
          await idle(viewer);
          expect(attached).toBe(true);
          expect(viewer.snapshot("full")).toEqual(source.snapshot("full"));
          source.dispose();
          viewer.dispose();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("resize", () => {
  it("applies in stream order, and idle waits for it", async () => {
    const m = mirror({ cols: 80, rows: 24 });
    // "Go to the last column" means column 80 before the resize and column 40 after it.
    m.write(`${ESC}[999Cbefore\r\n`);
    m.resize(40, 10);
    m.write(`${ESC}[999Cafter`);
    expect(m.snapshot("full").size).toEqual({ cols: 80, rows: 24 });
    await idle(m);
    expect(m.snapshot("full").size).toEqual({ cols: 40, rows: 10 });
    const reference = mirror({ cols: 80, rows: 24 });
    await written(reference, `${ESC}[999Cbefore\r\n`);
    reference.resize(40, 10);
    await written(reference, `${ESC}[999Cafter`);
    expect(m.snapshot("full")).toEqual(reference.snapshot("full"));
    // "before" went to column 80, then the resize reflowed it onto the second row.
    expect(m.snapshot("full").lines.slice(0, 3)).toEqual(["", `${" ".repeat(39)}b`, "efore"]);
  });
});

describe("terminal query replies", () => {
  it("answers cursor position, device attributes and mode requests in order", async () => {
    const replies: string[] = [];
    const m = mirror({ onReply: (data) => replies.push(data) });
    await written(m, `ab${ESC}[3;7H${ESC}[6n${ESC}[c${ESC}[>c${ESC}[?2004$p${ESC}[5n${ESC}P$qm${ESC}\\`);
    expect(replies).toEqual([
      `${ESC}[3;7R`,
      `${ESC}[?1;2c`,
      `${ESC}[>0;276;0c`,
      `${ESC}[?2004;2$y`,
      `${ESC}[0n`,
      `${ESC}P1$r0m${ESC}\\`,
    ]);
  });

  it("answers colour queries only when given colours", async () => {
    const replies: string[] = [];
    const m = mirror({ onReply: (data) => replies.push(data), replyColors: { foreground: "#D4d4d4", background: "#1e1e1e" } });
    await written(m, `${ESC}]11;?\x07${ESC}]10;?${ESC}\\${ESC}]12;?\x07${ESC}]10;?;?\x07`);
    expect(replies).toEqual([
      `${ESC}]11;rgb:1e1e/1e1e/1e1e${ESC}\\`,
      `${ESC}]10;rgb:d4d4/d4d4/d4d4${ESC}\\`,
      `${ESC}]10;rgb:d4d4/d4d4/d4d4${ESC}\\`,
      `${ESC}]11;rgb:1e1e/1e1e/1e1e${ESC}\\`,
    ]);

    const silent: string[] = [];
    const plain = mirror({ onReply: (data) => silent.push(data) });
    await written(plain, `${ESC}]11;?\x07`);
    expect(silent).toEqual([]);
  });

  it("keeps parsing when a listener throws", async () => {
    const errors: unknown[] = [];
    const m = mirror({
      onReply: () => {
        throw new Error("pty gone");
      },
      onError: (error) => errors.push(error),
    });
    m.write(`${ESC}[6n`);
    m.whenIdle(() => {
      throw new Error("idle listener");
    });
    await written(m, "still parsing");
    expect(errors).toHaveLength(2);
    expect(m.snapshot("full").lines[0]).toBe("still parsing");
  });
});

describe("serialize", () => {
  it("round-trips text, colours, attributes and the cursor", async () => {
    const a = mirror({ cols: 40, rows: 8 });
    await written(
      a,
      `${ESC}[1;31mbold red${ESC}[0m ${ESC}[38;5;208morange${ESC}[0m ${ESC}[38;2;1;2;3;48;2;200;100;50mtrue${ESC}[0m\r\n` +
        `${ESC}[4munder${ESC}[24m ${ESC}[7minverse${ESC}[27m ${ESC}[3mitalic${ESC}[0m 漢字\r\n` +
        `${"w".repeat(50)}\r\n${ESC}[5;12Hcursor here`,
    );
    const text = a.serialize();
    expect(text).toContain("31;1m");
    expect(text).toContain("38;5;208");
    expect(text).toContain("38;2;1;2;3");
    const b = await restored(a);
    expect(b.snapshot("full")).toEqual(a.snapshot("full"));
    expect(b.serialize()).toBe(text);
  });

  it("round-trips the alternate screen, modes and scroll region, and later output applies alike", async () => {
    const a = mirror({ cols: 40, rows: 10 });
    await written(a, "shell history\r\n$ vi file\r\n");
    await written(
      a,
      `${ESC}[?1049h${ESC}[H${ESC}[2J${ESC}[?1h${ESC}=${ESC}[?2004h${ESC}[?1000h${ESC}[?1006h${ESC}[?25l${ESC}[6 q` +
        `${ESC}[2;9r${ESC}[1;1H${ESC}[44mtitle bar${ESC}[0m` +
        Array.from({ length: 8 }, (_, i) => `${ESC}[${i + 2};1Hline ${i}`).join("") +
        `${ESC}[10;1H${ESC}[7m-- INSERT --${ESC}[0m${ESC}[4;3H`,
    );
    const b = await restored(a);
    expect(b.snapshot("full")).toEqual(a.snapshot("full"));
    expect(b.snapshot("full").alternateScreen).toBe(true);
    expect(b.snapshot("full").cursorVisible).toBe(false);
    expect(b.serialize()).toBe(a.serialize());
    const modes = a.serialize();
    for (const mode of ["?1049h", "?1h", "?2004h", "?1000h", "?1006h", "?25l", "6 q", "2;9r"]) expect(modes).toContain(`${ESC}[${mode}`);

    // Scrolling inside the region, typing, leaving the alternate screen: the copy keeps up.
    const more = `${ESC}[9;1H\n\nnew bottom${ESC}[4;3Htyped${ESC}[?1049l${ESC}[?25hback in shell`;
    await Promise.all([written(a, more), written(b, more)]);
    expect(b.snapshot("full")).toEqual(a.snapshot("full"));
    expect(a.snapshot("full").alternateScreen).toBe(false);
    expect(a.snapshot("full").lines.slice(0, 3)).toEqual(["shell history", "$ vi file", "back in shell"]);
  });

  it("round-trips origin mode with a scroll region", async () => {
    const a = mirror({ cols: 30, rows: 10 });
    await written(a, `top\r\n${ESC}[3;8r${ESC}[?6h${ESC}[2;4Hinside`);
    const b = await restored(a);
    expect(b.snapshot("full")).toEqual(a.snapshot("full"));
    expect(a.snapshot("full").cursor).toEqual({ row: 3, col: 9 });
    const more = `${ESC}[1;1Hhome${ESC}[99;1H\nscrolled`;
    await Promise.all([written(a, more), written(b, more)]);
    expect(b.snapshot("full")).toEqual(a.snapshot("full"));
  });

  it("includes at most scrollbackLines of scrollback, and shrinks it to fit maxChars", async () => {
    const a = mirror({ cols: 80, rows: 10, scrollback: 5000 });
    await written(a, Array.from({ length: 3000 }, (_, i) => `${ESC}[3${i % 8}mline ${i}${ESC}[0m`).join("\r\n"));
    const lineCount = (text: string) => text.split(/\r\n|\x1b\[\d*E/).length;
    expect(lineCount(a.serialize({ scrollbackLines: 20 }))).toBe(30);
    expect(a.serialize({ scrollbackLines: 0 })).toContain("line 2999");
    expect(a.serialize({ scrollbackLines: 0 })).not.toContain("line 2989");

    const capped = a.serialize({ scrollbackLines: 3000, maxChars: 5_000 });
    expect(capped.length).toBeLessThanOrEqual(5_000);
    expect(capped).toContain("line 2999");
    const copy = mirror({ cols: 80, rows: 10 });
    await written(copy, capped);
    expect(copy.snapshot("full")).toEqual(a.snapshot("full"));
    // The screen itself is never cut, even past maxChars.
    const screenOnly = a.serialize({ scrollbackLines: 0 });
    expect(a.serialize({ maxChars: 10 })).toBe(screenOnly);
    expect(a.serialize({ maxChars: screenOnly.length + 5 })).toBe(screenOnly);
  });

  it("stays bounded on a full 10k-line scrollback at 120 columns, at the cost of a 2k-line one", async () => {
    const colourfulLine = (i: number) =>
      Array.from({ length: 10 }, (_, k) => `${ESC}[${31 + ((i + k) % 7)}${k % 3 ? "" : ";1"}m${`w${i}_${k}`.padEnd(11, ".")}${ESC}[0m`).join(" ");
    const filled = async (scrollback: number) => {
      const m = mirror({ cols: 120, rows: 40, scrollback });
      for (let i = 0; i < scrollback + 100; i++) m.write(`${colourfulLine(i)}\r\n`);
      await idle(m);
      return m;
    };
    const a = await filled(10_000);
    const b = await filled(2_000);
    const text = a.serialize();
    const full = a.serialize({ scrollbackLines: 10_000, maxChars: Infinity });
    expect(text.length).toBeLessThanOrEqual(MIRROR_SERIALIZE_MAX_CHARS);
    expect(full.length).toBeGreaterThan(text.length * 5);
    // A late viewer's snapshot serializes a bounded scrollback: 5× the history must not cost 5×
    // (same output, same work: ~1×; a walk of the whole history: ~5×).
    expect(b.serialize().length).toBe(text.length);
    const cost = compareCost(() => b.serialize(), () => a.serialize());
    console.info(`serialize default: ${text.length} chars; full scrollback: ${full.length} chars; ${describeScaling("serialize, 2k-line → 10k-line scrollback", cost)}`);
    expect(cost.ratio).toBeLessThan(2.5);

    // Pathological output (a different true colour in every cell) is cut by maxChars instead.
    const worst = mirror({ cols: 120, rows: 40, scrollback: 2_000 });
    for (let i = 0; i < 2_000; i++) {
      worst.write(Array.from({ length: 120 }, (_, c) => `${ESC}[38;2;${i % 256};${c};7m#`).join("") + "\r\n");
    }
    await idle(worst);
    expect(worst.serialize().length).toBeLessThanOrEqual(MIRROR_SERIALIZE_MAX_CHARS);
  });
});

describe("flow control", () => {
  it("asks for a pause above the high watermark and drains below the low one, losing nothing of 60 MB", async () => {
    const m = mirror({ cols: 100, rows: 10, scrollback: 100 });
    const drains: number[] = [];
    m.onDrain(() => drains.push(m.pendingChars));
    const line = (i: number) => `line ${i} ${"#".repeat(80)}\r\n`;
    const linesPerChunk = 700; // ~64 kB chunks
    const total = 60_000_000;
    let i = 0;
    let maxPending = 0;
    while (m.writtenChars < total) {
      let chunk = "";
      for (let k = 0; k < linesPerChunk; k++) chunk += line(i++);
      const keepGoing = m.write(chunk);
      maxPending = Math.max(maxPending, m.pendingChars);
      if (!keepGoing) await new Promise<void>((resolve) => m.onDrain(resolve));
    }
    await idle(m);
    expect(drains.length).toBeGreaterThan(0);
    for (const pending of drains) expect(pending).toBeLessThanOrEqual(MIRROR_LOW_WATERMARK);
    expect(maxPending).toBeLessThanOrEqual(MIRROR_HIGH_WATERMARK + 70_000);
    expect(m.snapshot("last_line").lines[0]).toBe(line(i - 1).trimEnd());
  }, 60_000);

  it("loses nothing even when the caller ignores the watermark", async () => {
    const m = mirror({ cols: 100, rows: 10, scrollback: 100 });
    const chunk = `${"z".repeat(99)}\r\n`.repeat(10_000); // ~1 MB
    let lastLine = "";
    for (let i = 0; i < 60; i++) {
      lastLine = `burst end ${i}`;
      expect(() => m.write(chunk + lastLine + "\r\n")).not.toThrow();
    }
    expect(m.pendingChars).toBeGreaterThan(50_000_000);
    await idle(m);
    expect(m.snapshot("last_line").lines).toEqual([lastLine]);
  }, 60_000);
});

describe("dispose", () => {
  it("is idempotent and turns every call into a no-op", async () => {
    const m = mirror();
    await written(m, "hello");
    m.write("pending");
    let idleCalled = false;
    m.whenIdle(() => (idleCalled = true));
    m.dispose();
    m.dispose();
    expect(m.write("more")).toBe(true);
    m.resize(10, 10);
    expect(m.serialize()).toBe("");
    expect(m.snapshot("full").lines).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idleCalled).toBe(false);
  });
});

describe("with a real PTY", () => {
  function spawn(file: string, args: string[], m: ScreenMirror, cwd = os.tmpdir()): { child: pty.IPty; exited: Promise<number> } {
    const child = pty.spawn(file, args, {
      name: "xterm-256color",
      cols: m.cols,
      rows: m.rows,
      cwd,
      env: { ...process.env, TERM: "xterm-256color", LANG: "C.UTF-8" },
    });
    ptys.push(child);
    child.onData((data) => m.write(data));
    const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
    return { child, exited };
  }

  // Prints "got:<row;col>" once it has the reply, or "got:timeout". It then lingers: node-pty on
  // Linux can lose the last output of a process that exits at once (microsoft/node-pty#72).
  const askCursor = (timeoutSeconds: number) =>
    [
      "stty raw -echo",
      "printf 'abc\\033[6n'",
      `IFS= read -r -t ${timeoutSeconds} -d R reply || reply=timeout`,
      "stty sane",
      'printf "\\ngot:%s\\n" "${reply#*[}"',
      "sleep 5",
    ].join("; ");

  it("answers a cursor position query so the program goes on without any browser", async () => {
    let child: pty.IPty | undefined;
    const m = mirror({ onReply: (data) => child?.write(data) });
    child = spawn("bash", ["--norc", "--noprofile", "-c", askCursor(5)], m).child;
    await until(() => m.snapshot("full").lines.includes("got:1;4"), "the reply to reach the program");
  });

  it("leaves the query unanswered without the reply wiring (control)", async () => {
    const m = mirror();
    spawn("bash", ["--norc", "--noprofile", "-c", askCursor(1)], m);
    await until(() => m.snapshot("full").lines.includes("got:timeout"), "the program to give up");
  });

  const vi = ["/usr/bin/vi", "/usr/bin/vim", "/bin/vi"].find((candidate) => fs.existsSync(candidate));

  it.skipIf(!vi)("mirrors vi on the alternate screen, restores it into a copy, and returns to the shell", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-vi-"));
    const file = path.join(dir, "notes.txt");
    fs.writeFileSync(file, Array.from({ length: 40 }, (_, i) => `note number ${i + 1}`).join("\n") + "\n");
    let child: pty.IPty | undefined;
    const m = mirror({ cols: 80, rows: 24, onReply: (data) => child?.write(data) });
    const run = spawn(vi!, ["-u", "NONE", "-N", "-n", file], m, dir);
    child = run.child;
    try {
      await until(() => m.snapshot("full").lines.includes("note number 1") && /notes\.txt/.test(m.snapshot("full").lines.join("\n")), "vi to draw the file");
      await until(() => m.pendingChars === 0, "the mirror to catch up");
      const shown = m.snapshot("full");
      expect(shown.alternateScreen).toBe(true);
      expect(shown.lines.slice(0, 3)).toEqual(["note number 1", "note number 2", "note number 3"]);

      // A late viewer restored from the snapshot keeps up with what vi does next.
      const viewer = mirror({ cols: 80, rows: 24 });
      let attached = false;
      m.whenIdle(() => {
        viewer.write(m.serialize());
        attached = true;
      });
      child.onData((data) => attached && viewer.write(data));
      expect(attached).toBe(true);
      child.write("G");
      await until(() => m.snapshot("full").lines.includes("note number 40"), "vi to jump to the end");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await Promise.all([idle(m), idle(viewer)]);
      expect(viewer.snapshot("full")).toEqual(m.snapshot("full"));

      child.write(`${ESC}:q!\r`);
      await until(() => !m.snapshot("full").alternateScreen, "vi to leave the alternate screen");
      expect(await run.exited).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reaches an idle moment under a flood when the source pauses while waiting", async () => {
    const m = mirror({ cols: 120, rows: 30, scrollback: 1000 });
    // Lingers after the flood: node-pty can lose the tail of a process that exits while its
    // output is still queued (microsoft/node-pty#72), which is not what this test is about.
    // 12 MB: well past the 5 MB at which it pauses below, and through a loaded machine's mirror
    // within the test's time (40 MB took over 30 s there, under two CPU hogs).
    const { child } = spawn("bash", ["--norc", "--noprofile", "-c", "yes 'flood of output' | head -c 12000000; echo; echo flood done; sleep 30"], m);
    m.onDrain(() => child.resume());
    child.onData(() => {
      if (m.pendingChars > MIRROR_HIGH_WATERMARK) child.pause();
    });
    await until(() => m.writtenChars > 5_000_000, "the flood to start", 20_000);
    child.pause();
    const offset = await new Promise<number>((resolve) => m.whenIdle(() => resolve(m.parsedChars)));
    expect(offset).toBe(m.writtenChars);
    child.resume();
    await until(() => m.snapshot("last_line").lines[0] === "flood done", "the end of the flood", 30_000);
  }, 60_000);
});

describe("resizing past xterm's reflow limit", () => {
  it("survives a resize to 1 column after a 1 MB line, and keeps working at the new size", async () => {
    // @xterm/headless 6.0.0 overflows the call stack reflowing this line (found by the hostile-input suite).
    const target = mirror({ cols: 120, rows: 32, scrollback: 10_000 });
    await written(target, `${"x".repeat(1_000_000)}\r\nend\r\n`);
    target.resize(1, 5);
    await idle(target);
    target.resize(40, 10);
    await written(target, "still here\r\n");
    expect(target.cols).toBe(40);
    expect(target.snapshot("full", {}).lines.join("\n")).toContain("still here");
  });
});
