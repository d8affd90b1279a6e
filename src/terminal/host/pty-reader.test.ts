import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ptyReader, type ReaderPty, type ReaderPtyExit } from "./pty-reader";

const options = { name: "xterm-256color", cols: 80, rows: 24, cwd: process.cwd(), env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" } };

function collect(term: ReaderPty, onChunk?: (data: Buffer) => void): Promise<{ output: string; exit: ReaderPtyExit }> {
  const chunks: Buffer[] = [];
  term.onData((data) => {
    chunks.push(Buffer.from(data));
    onChunk?.(data);
  });
  return new Promise((resolve) => term.onExit((exit) => resolve({ output: Buffer.concat(chunks).toString("utf8"), exit })));
}

/**
 * Keeps the main thread busy (no reads, no timers) until `file` exists; false if it never appeared
 * (the cap only keeps a broken host from hanging the run; it is not what the test measures).
 */
function blockMainThreadUntil(file: string, capMs = 20_000): boolean {
  const until = Date.now() + capMs;
  while (Date.now() < until) {
    if (fs.existsSync(file)) return true;
  }
  return false;
}

describe("the terminal host", () => {
  it("keeps reading a program's output while the main thread is busy", async () => {
    // 500 kB is 25 times what the kernel buffers between a program and its reader: read on the
    // main thread, the program would stand still while the main thread is busy and never get to
    // write its marker. So it must finish while the main thread never yields: an order, not a time.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-host-"));
    const marker = path.join(dir, "finished");
    try {
      const term = ptyReader().spawn("/bin/sh", ["-c", `printf '%0500000d' 0; echo; touch '${marker}'`], options);
      const done = collect(term);
      expect(blockMainThreadUntil(marker), "the program finished while the main thread was busy").toBe(true);
      const { output, exit } = await done;
      expect(exit.exitCode).toBe(0);
      expect(output.trim().split(/\r?\n/)[0]).toHaveLength(500_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("hands over every byte in order, and the exit after the last of them", async () => {
    const term = ptyReader().spawn("/bin/sh", ["-c", "seq 1 200000"], options);
    const { output, exit } = await collect(term);
    expect(exit).toEqual({ exitCode: 0, signal: 0 });
    const numbers = output.trim().split("\r\n");
    expect(numbers).toHaveLength(200_000);
    expect(numbers.every((n, i) => Number(n) === i + 1)).toBe(true);
  });

  it("stops reading a terminal that is held, and reads what waited once released", async () => {
    const term = ptyReader().spawn("/bin/sh", ["-c", "read _; seq 1 100000; echo end"], options);
    let received = 0;
    const done = collect(term, (data) => (received += data.length));
    term.hold(true);
    term.write("\r");
    // Held: at most what was in flight, and what the kernel buffers (~20 kB), may arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toBeLessThan(100_000);
    term.hold(false);
    const { output } = await done;
    expect(output.trim().endsWith("end")).toBe(true);
    expect(output).toContain("\r\n100000\r\n");
  });

  it("keeps the whole output of a program that exits at once, however busy the main thread is", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-host-"));
    for (let run = 0; run < 3; run++) {
      const marker = path.join(dir, `printed-${run}`);
      const term = ptyReader().spawn("/bin/sh", ["-c", `head -c 300000 /dev/zero | tr '\\0' x; touch '${marker}'`], options);
      const done = collect(term);
      // The program prints everything (and then exits) while the main thread is busy.
      expect(blockMainThreadUntil(marker)).toBe(true);
      const { output, exit } = await done;
      expect(exit.exitCode).toBe(0);
      expect(output).toBe("x".repeat(300_000));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the terminal host after a terminal is disposed", () => {
  it("drops what a leftover background job prints, and other terminals keep their full speed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-host-"));
    const pidFile = path.join(dir, "pid");
    let leftover: number | undefined;
    try {
      // The shell is killed by dispose; its background job ignores the hangup and keeps printing.
      const noisy = ptyReader().spawn("/bin/sh", ["-c", `(trap '' HUP; exec yes leftover-output-line) & echo $! > ${pidFile}; wait`], options);
      let seen = 0;
      noisy.onData((data) => (seen += data.length));
      while (seen < 100_000) await new Promise((r) => setTimeout(r, 10));
      noisy.dispose();
      leftover = Number(fs.readFileSync(pidFile, "utf8"));
      // Long enough for the leftover to print megabytes into the disposed terminal.
      await new Promise((r) => setTimeout(r, 500));
      const term = ptyReader().spawn("/bin/sh", ["-c", "seq 1 300000"], options);
      const stalled = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the second terminal stalled")), 15_000).unref());
      const { output, exit } = await Promise.race([collect(term), stalled]);
      expect(exit.exitCode).toBe(0);
      expect(output.trim().split("\r\n")).toHaveLength(300_000);
    } finally {
      if (leftover) {
        try {
          process.kill(leftover, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps input in order when keystrokes follow a paste the kernel could not take at once", async () => {
    // Raw mode, no echo: cat prints exactly what it reads. 200 kB is fifty times the kernel's
    // input buffer: most of the paste waits in the reader thread, and the keys typed after it
    // (written straight to the terminal when nothing waits) must come after it.
    const term = ptyReader().spawn("/bin/sh", ["-c", "stty raw -echo; echo ready; exec head -c 200010"], options);
    let output = "";
    const done = collect(term, (data) => (output += data.toString("latin1")));
    while (!output.includes("ready")) await new Promise((r) => setTimeout(r, 10));
    const paste = "p".repeat(200_000);
    term.write(paste);
    for (const key of "0123456789") term.write(key);
    const { exit } = await done;
    expect(exit.exitCode).toBe(0);
    // Raw mode: `echo ready` ends in a bare line feed.
    const echoed = output.slice(output.indexOf("ready\n") + "ready\n".length);
    // Summarised, so that a failure does not print 200 kB.
    const summary = (text: string) => ({ length: text.length, firstNotPaste: text.search(/[^p]/), tail: text.slice(-12) });
    expect(summary(echoed)).toEqual(summary(`${paste}0123456789`));
  });

  it("takes keystrokes up to the exit and ignores them after it", async () => {
    const term = ptyReader().spawn("/bin/sh", ["-c", "stty -echo; read line; echo got:$line"], options);
    const done = collect(term);
    for (const key of "hello") term.write(key);
    term.write("\r");
    const { output, exit } = await done;
    expect(exit.exitCode).toBe(0);
    expect(output).toContain("got:hello");
    expect(() => term.write("after the exit")).not.toThrow();
  });

  it("keeps every byte in order when a held terminal's program exits", async () => {
    // Held from the start: node-pty's socket keeps what it read (up to its high-water mark) and
    // the rest waits in the kernel when the program exits. Both must come, oldest first.
    const term = ptyReader().spawn("/bin/sh", ["-c", "sleep 1; seq 1 2500"], options);
    term.hold(true);
    const { output, exit } = await collect(term);
    expect(exit.exitCode).toBe(0);
    const numbers = output.trim().split("\r\n").map(Number);
    expect(numbers).toHaveLength(2500);
    expect(numbers.findIndex((n, i) => n !== i + 1)).toBe(-1);
  });
});
