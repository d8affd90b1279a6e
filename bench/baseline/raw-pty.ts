/**
 * The baseline: the same work as each app scenario, done by raw node-pty in a bare Node process
 * (no server, no log, no mirror, no recording, no WebSocket). Run by bench/run.ts as
 *   node --expose-gc --import tsx bench/baseline/raw-pty.ts <mode> '<json options>'
 * It prints one JSON line per message on stdout: {"ready":…} when it waits for the bench,
 * {"result":…} at the end.
 */
import http from "node:http";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as pty from "node-pty";
import headless from "@xterm/headless";
import serializePackage from "@xterm/addon-serialize";
import { readCpuMs, sampleRss } from "../lib/rss";

const { Terminal } = headless;
const { SerializeAddon } = serializePackage;

const COLS = 120;
const ROWS = 32;

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
function send(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
function rss(): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) * 1024 : NaN;
}
function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/** Spawned exactly as PtySession spawns (name, size, encoding); env as the app gives a task. */
function spawn(file: string, args: string[]): pty.IPty {
  return pty.spawn(file, args, {
    name: "xterm-256color",
    cols: COLS,
    rows: ROWS,
    cwd: process.cwd(),
    env: { ...(process.env as Record<string, string>), TERM: "xterm-256color", COLORTERM: "truecolor", LANG: process.env.LANG || "C.UTF-8" },
    encoding: "utf8",
  });
}

/** Waits until the terminal printed something and then stayed quiet for `quietMs`. */
function settled(term: pty.IPty, quietMs: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const sub = term.onData(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        sub.dispose();
        resolve();
      }, quietMs);
    });
  });
}

/** `sh -c 'read _; exec <command>'`, started by Enter: the clock runs from the Enter to the exit. */
async function throughput(opts: { script: string }): Promise<void> {
  const term = spawn("/bin/sh", ["-c", `read _; ${opts.script}`]);
  let chars = 0;
  let lastDataAt = 0;
  term.onData((data) => {
    chars += data.length;
    lastDataAt = nowMs();
  });
  const exited = new Promise<number>((resolve) => term.onExit(() => resolve(nowMs())));
  await sleep(300);
  const before = chars;
  // Peak RSS over the run above RSS after a full GC, sampled as the bench samples the app server.
  gc();
  const rssBefore = rss();
  const sampler = sampleRss([process.pid]);
  // This whole process's CPU (all threads), read from /proc as the bench reads the app server's.
  const cpuBefore = readCpuMs(process.pid);
  const t0 = nowMs();
  term.write("\r");
  const exitAt = await exited;
  await sleep(100); // node-pty may deliver output after onExit
  const cpuMs = readCpuMs(process.pid) - cpuBefore;
  const { peak } = await sampler.stop();
  const end = Math.max(exitAt, lastDataAt);
  send({ result: { bytes: chars - before, seconds: (end - t0) / 1000, cpuMs, rssGrowth: peak - rssBefore } });
}

/** Round trips of single keys to `bash --norc --noprofile`: write, then wait for the whole echo. */
async function echo(opts: { keys: number; warmupKeys: number; keySeq: string[] }): Promise<void> {
  const term = spawn("/bin/bash", ["--norc", "--noprofile"]);
  let received = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  term.onData((data) => {
    received += Buffer.byteLength(data);
    if (waiter && received >= waiter.target) {
      const w = waiter;
      waiter = undefined;
      w.resolve();
    }
  });
  await settled(term, 300);
  // Learn each key's echo size (bash's readline echoes `a` as 1 byte and DEL as `\b \b`-like bytes).
  const echoBytes: number[] = [];
  for (const key of opts.keySeq) {
    const before = received;
    term.write(key);
    await sleep(150);
    echoBytes.push(received - before);
  }
  const latencies: number[] = [];
  for (let i = 0; i < opts.warmupKeys + opts.keys; i++) {
    const k = i % opts.keySeq.length;
    const target = received + echoBytes[k]!;
    const t0 = nowMs();
    await new Promise<void>((resolve) => {
      waiter = { target, resolve };
      term.write(opts.keySeq[k]!);
    });
    if (i >= opts.warmupKeys) latencies.push(nowMs() - t0);
  }
  term.kill("SIGKILL");
  send({ result: { latencies, echoBytes } });
}

/** RSS per idle `bash --norc --noprofile` at its prompt, after a forced GC. */
async function memory(opts: { sessions: number; settleMs: number }): Promise<void> {
  gc();
  await sleep(200);
  gc();
  const before = rss();
  const terms: pty.IPty[] = [];
  const prompts: Array<Promise<void>> = [];
  for (let i = 0; i < opts.sessions; i++) {
    const term = spawn("/bin/bash", ["--norc", "--noprofile"]);
    prompts.push(settled(term, 200));
    terms.push(term);
  }
  await Promise.all(prompts);
  await sleep(opts.settleMs);
  gc();
  await sleep(200);
  gc();
  const after = rss();
  send({ result: { before, after, perSession: (after - before) / opts.sessions } });
  for (const term of terms) term.kill("SIGKILL");
}

/**
 * `sessions` raw floods, each kept as a naive tail (its last 64 KiB), served by a bare HTTP
 * server: GET /tail/<n> answers the last 50 lines as JSON — the floor for the buffer route.
 */
async function load(opts: { sessions: number; script: string }): Promise<void> {
  const tails: string[] = [];
  const terms: pty.IPty[] = [];
  let chars = 0;
  for (let i = 0; i < opts.sessions; i++) {
    tails.push("");
    const term = spawn("/bin/sh", ["-c", opts.script]);
    term.onData((data) => {
      chars += data.length;
      const t = tails[i]! + data;
      tails[i] = t.length > 65_536 ? t.slice(-65_536) : t;
    });
    terms.push(term);
  }
  const server = http.createServer((req, res) => {
    const n = Number((req.url ?? "").split("/").pop());
    const lines = (tails[n] ?? "").split("\n").slice(-50).join("\n");
    const body = JSON.stringify({ success: true, data: { output: lines, totalLines: 0 } });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  send({ ready: { port: (server.address() as AddressInfo).port } });
  // The bench writes a line when it starts measuring and closes our stdin when it is done.
  process.stdin.resume();
  let startChars = chars;
  let startAt = nowMs();
  process.stdin.once("data", () => {
    startChars = chars;
    startAt = nowMs();
  });
  await new Promise<void>((resolve) => process.stdin.once("end", resolve));
  const floodMBps = (chars - startChars) / 1e6 / ((nowMs() - startAt) / 1000);
  for (const term of terms) term.kill("SIGKILL");
  server.close();
  send({ result: { floodMBps } });
}

/**
 * The floor of a restore: a headless xterm holding `lines` lines, serialized with the app's
 * scrollback bound and written into a fresh headless xterm, in one process (no socket, no server).
 */
async function reconnect(opts: { file: string; lines: number; runs: number; scrollback: number; serializeLines: number }): Promise<void> {
  const text = readLines(opts.file, opts.lines).replace(/\n/g, "\r\n");
  const source = new Terminal({ cols: COLS, rows: ROWS, scrollback: opts.scrollback, allowProposedApi: true });
  const serializer = new SerializeAddon();
  source.loadAddon(serializer);
  await new Promise<void>((resolve) => source.write(text, resolve));
  const times: number[] = [];
  let chars = 0;
  for (let i = -3; i < opts.runs; i++) {
    const t0 = nowMs();
    const data = serializer.serialize({ scrollback: opts.serializeLines });
    chars = data.length;
    const target = new Terminal({ cols: COLS, rows: ROWS, scrollback: opts.scrollback, allowProposedApi: true });
    await new Promise<void>((resolve) => target.write(data, resolve));
    if (i >= 0) times.push(nowMs() - t0); // three warm-up runs first, as the bench does for the app
    target.dispose();
  }
  send({ result: { times, chars } });
}

/**
 * The floor of a reattach's server-side work: `sessions` headless xterms (the app's live mirror
 * size: `scrollback` lines) that each took `lines` lines of `seq` output, all serialized with the
 * app's scrollback bound, one after the other, in one process — what the terminal host must at
 * least do to send 20 viewers their snapshots. No process restart, no handshake, no socket.
 */
async function reattach(opts: { sessions: number; lines: number; runs: number; scrollback: number; serializeLines: number }): Promise<void> {
  let text = "";
  for (let n = 1; n <= opts.lines; n++) text += `line ${n} of a session with some text\r\n`;
  const mirrors = [];
  for (let i = 0; i < opts.sessions; i++) {
    const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: opts.scrollback, allowProposedApi: true });
    const serializer = new SerializeAddon();
    term.loadAddon(serializer);
    await new Promise<void>((resolve) => term.write(text, resolve));
    mirrors.push(serializer);
  }
  const times: number[] = [];
  let chars = 0;
  for (let i = -1; i < opts.runs; i++) {
    const t0 = nowMs();
    chars = 0;
    for (const serializer of mirrors) chars += serializer.serialize({ scrollback: opts.serializeLines }).length;
    if (i >= 0) times.push(nowMs() - t0); // one warm-up round first
  }
  send({ result: { times, chars } });
}

function readLines(file: string, lines: number): string {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(lines * 200);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  const text = buf.subarray(0, n).toString("utf8");
  let at = -1;
  for (let i = 0; i < lines; i++) at = text.indexOf("\n", at + 1);
  return text.slice(0, at + 1);
}

/**
 * The missions scenario without a browser: `floods.length` interactive `bash --norc --noprofile`
 * sessions, each typed its flood as its first command. Then, for each of `targets` (session
 * indexes), one after the other: write Ctrl+C → `^C` read back on that PTY, then write `command`
 * (its `{n}` replaced by the repetition) and Enter → `answers[rep]` read back.
 */
async function missions(opts: { floods: string[]; targets: number[]; command: string; answers: string[]; rampMs: number; pauseMs: number; timeoutMs: number }): Promise<void> {
  let chars = 0;
  const watchers = new Map<number, { needle: string; tail: string; resolve: () => void }>();
  const terms = opts.floods.map((_, i) => {
    const term = spawn("/bin/bash", ["--norc", "--noprofile"]);
    term.onData((data) => {
      chars += data.length;
      const watcher = watchers.get(i);
      if (!watcher) return;
      watcher.tail = (watcher.tail + data).slice(-(watcher.needle.length + 4096));
      if (watcher.tail.includes(watcher.needle)) {
        watchers.delete(i);
        watcher.resolve();
      }
    });
    return term;
  });
  await Promise.all(terms.map((term) => settled(term, 300)));
  terms.forEach((term, i) => term.write(`${opts.floods[i]}\r`));
  await sleep(opts.rampMs);
  const seen = (i: number, needle: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`session ${i}: no ${JSON.stringify(needle)} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      watchers.set(i, { needle, tail: "", resolve: () => (clearTimeout(timer), resolve()) });
    });
  const startChars = chars;
  const startAt = nowMs();
  const samples: Array<{ session: number; ctrlCMs: number; commandMs: number }> = [];
  for (const [rep, i] of opts.targets.entries()) {
    const term = terms[i]!;
    await sleep(opts.pauseMs);
    const interrupted = seen(i, "^C");
    const t0 = nowMs();
    term.write("\x03");
    await interrupted;
    const ctrlCMs = nowMs() - t0;
    term.write(opts.command.replace("{n}", String(rep)));
    const answered = seen(i, opts.answers[rep]!);
    const t1 = nowMs();
    term.write("\r");
    await answered;
    samples.push({ session: i, ctrlCMs, commandMs: nowMs() - t1 });
  }
  const floodMBps = (chars - startChars) / 1e6 / ((nowMs() - startAt) / 1000);
  for (const term of terms) term.kill("SIGKILL");
  send({ result: { samples, floodMBps } });
}

const modes: Record<string, (opts: any) => Promise<void>> = { throughput, echo, memory, load, reconnect, reattach, missions };
const [mode, json] = process.argv.slice(2);
const run = mode ? modes[mode] : undefined;
if (!run) {
  process.stderr.write(`usage: raw-pty.ts <${Object.keys(modes).join("|")}> '<json>'\n`);
  process.exit(2);
}
run(JSON.parse(json ?? "{}")).then(
  // Exit once stdout is flushed: on a pipe, process.exit would cut a long result line short.
  () => process.stdout.write("", () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
